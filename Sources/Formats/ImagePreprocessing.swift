import TensorCore

/// How an image becomes a network input: torchvision's evaluation transforms, reproduced exactly.
///
/// - ImageNet models, input size S: `Resize(S·256/224)` (shorter side, rounded down: 256 for
///   S = 224, timm's `crop_pct = 0.875` rule for other sizes) + `CenterCrop(S)` + `ToTensor` +
///   `Normalize(ImageNet mean, std)`.
/// - CIFAR models, input size S (32 by default): `Resize((S, S))` on both sides, no crop, then
///   CIFAR-10's mean and std (the values the CIFAR training recipes normalise with).
///
/// Resizing is Pillow's antialiased bilinear filter bit for bit, so the uint8 crop equals PIL's;
/// the float steps are done in Float in torchvision's order, so the tensor equals torchvision's.
package struct ImagePreprocessing: Equatable, Sendable {
  /// Length of the shorter side after resizing; nil resizes both sides to `size` (no crop).
  package let resizeShorterSide: Int?
  /// Height and width of the network input.
  package let size: Int
  /// Per-channel mean and standard deviation (R, G, B) of the normalisation.
  package let mean: [Float]
  package let std: [Float]

  /// ImageNet channel statistics (torchvision's reference values).
  package static let imagenetMean: [Float] = [0.485, 0.456, 0.406]
  package static let imagenetStd: [Float] = [0.229, 0.224, 0.225]
  /// CIFAR-10 channel statistics (training-set mean, per-pixel std).
  package static let cifar10Mean: [Float] = [0.4914, 0.4822, 0.4465]
  package static let cifar10Std: [Float] = [0.2470, 0.2435, 0.2616]

  /// The ImageNet evaluation transform for input size `size` (224: Resize(256) + CenterCrop(224)).
  package static func imagenet(size: Int = 224) throws(ImageError) -> ImagePreprocessing {
    guard size >= 1 else { throw .badSize("input size must be at least 1, got \(size)") }
    return ImagePreprocessing(
      resizeShorterSide: size * 256 / 224, size: size, mean: imagenetMean, std: imagenetStd)
  }

  /// The CIFAR transform for input size `size`: both sides resized to `size`, CIFAR-10 statistics.
  package static func cifar(size: Int = 32) throws(ImageError) -> ImagePreprocessing {
    guard size >= 1 else { throw .badSize("input size must be at least 1, got \(size)") }
    return ImagePreprocessing(resizeShorterSide: nil, size: size, mean: cifar10Mean, std: cifar10Std)
  }

  /// The transform a zoo model expects: CIFAR's for the 32×32 CIFAR nets, ImageNet's otherwise.
  package static func forModel(cifar: Bool, inputSize: Int) throws(ImageError) -> ImagePreprocessing {
    cifar ? try .cifar(size: inputSize) : try .imagenet(size: inputSize)
  }

  /// Pillow's decompression-bomb limit (`Image.MAX_IMAGE_PIXELS`): decoded images and resize targets with
  /// more pixels are refused before anything of that size is allocated.
  package static let maxPixels = 89_478_485

  /// The size an image of `width`×`height` is resized to before the crop.
  package func resizeTarget(width: Int, height: Int) -> (width: Int, height: Int) {
    guard let shorter = resizeShorterSide else { return (size, size) }
    // torchvision: the shorter side becomes `shorter`, the longer int(shorter * long / short).
    let (short, long) = width <= height ? (width, height) : (height, width)
    let newLong = Int(Double(shorter) * Double(long) / Double(max(short, 1)))
    return width <= height ? (shorter, newLong) : (newLong, shorter)
  }

  /// Refuses an image whose resize target exceeds ``maxPixels`` (a 65535×1 image would be resized to
  /// 16,776,960×256 for an ImageNet model), naming the image, the target and the limit.
  package func checkResize(width: Int, height: Int, name: String) throws(ImageError) {
    let target = resizeTarget(width: width, height: height)
    let pixels = Double(target.width) * Double(target.height)
    guard pixels > Double(Self.maxPixels) else { return }
    throw .badSize(
      "\(name) (\(width)×\(height)) would be resized to \(target.width)×\(target.height) pixels for this model, "
        + "over the limit of \(Self.maxPixels) (Pillow's decompression-bomb limit)")
  }

  /// The resized and cropped uint8 image (what PIL holds before `ToTensor`).
  package func resizedAndCropped(_ image: RGBImage) -> RGBImage {
    let (newWidth, newHeight) = resizeTarget(width: image.width, height: image.height)
    guard resizeShorterSide != nil else { return image.resizedBilinear(width: newWidth, height: newHeight) }
    let resized = image.resizedBilinear(width: newWidth, height: newHeight)
    // CenterCrop: Python's round() on (side − size) / 2, which rounds halves to even.
    let top = Int((Double(newHeight - size) / 2).rounded(.toNearestOrEven))
    let left = Int((Double(newWidth - size) / 2).rounded(.toNearestOrEven))
    return resized.cropped(left: left, top: top, width: size, height: size)
  }

  /// The normalised network input for one image: 3 × size × size floats, C H W order.
  package func callAsFunction(_ image: RGBImage) -> [Float] {
    let crop = resizedAndCropped(image)
    let plane = size * size
    var out = [Float](repeating: 0, count: 3 * plane)
    for c in 0..<3 {
      for i in 0..<plane {
        // ToTensor divides by 255, Normalize subtracts then divides, all in Float32.
        out[c * plane + i] = (Float(crop.pixels[i * 3 + c]) / 255 - mean[c]) / std[c]
      }
    }
    return out
  }

  /// The network input for `image` repeated `batch` times: a batch × 3 × size × size tensor.
  package func tensor(for image: RGBImage, batch: Int = 1, name: String = "the image") throws -> Tensor {
    guard batch >= 1 else { throw ImageError.badSize("batch must be at least 1, got \(batch)") }
    try checkResize(width: image.width, height: image.height, name: name)
    let sample = self(image)
    var data = [Float]()
    data.reserveCapacity(sample.count * batch)
    for _ in 0..<batch { data += sample }
    return try Tensor(shape: [batch, 3, size, size], data: data)
  }

  /// Reads the PNG/JPEG file at `path` and preprocesses it to a batch × 3 × size × size tensor.
  package func tensor(contentsOfFile path: String, batch: Int = 1) throws -> Tensor {
    try tensor(for: RGBImage(contentsOfFile: path), batch: batch, name: path)
  }
}
