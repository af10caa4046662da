import Formats
import Foundation
import TensorCore
import TestSupport
import XCTest

/// Preprocessing against torchvision's transforms on the PIL image.
///
/// Tolerance 1e-2 after normalisation. One uint8 step is 1/255/std ≥ 1/255/0.2616 ≈ 0.0150 (the
/// largest std, CIFAR-10's blue) and ≥ 0.0171 for ImageNet, so 1e-2 is below one step: the test
/// only passes when every resized pixel equals Pillow's byte for byte, while leaving room for
/// float rounding (the float steps are in torchvision's order, so they are ~1e-7 apart at most).
final class ImagePreprocessingTests: XCTestCase {
  let tolerance: Float = 1e-2

  func preprocessing(_ preset: String, _ size: Int) throws -> ImagePreprocessing {
    preset == "imagenet" ? try .imagenet(size: size) : try .cifar(size: size)
  }

  func testTensorsEqualTorchvision() throws {
    let manifest = try ImageFixtures.manifest()
    var compared = 0
    var worst: Float = 0
    for fixture in manifest.cases {
      let image = try RGBImage(contentsOfFile: ImageFixtures.path(fixture.image))
      for tensor in fixture.tensors ?? [] {
        let expected = try ImageFixtures.floats(tensor.file)
        let actual = try preprocessing(tensor.preset, tensor.size)(image)
        XCTAssertEqual(actual.count, 3 * tensor.size * tensor.size, tensor.file)
        XCTAssertEqual(actual.count, expected.count, tensor.file)
        let diff = zip(actual, expected).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThanOrEqual(diff, tolerance, tensor.file)
        worst = max(worst, diff)
        compared += 1
      }
    }
    XCTAssertGreaterThanOrEqual(compared, 16)
    // Stronger than the stated tolerance: the pixels are bit-exact, so only float noise remains.
    XCTAssertLessThan(worst, 1e-5)
  }

  func testResizeEqualsPillowBilinear() throws {
    let resize = try ImageFixtures.manifest().resize
    let image = try RGBImage(contentsOfFile: ImageFixtures.path(resize.image))
    let resized = image.resizedBilinear(width: resize.width, height: resize.height)
    XCTAssertEqual(resized.pixels, try ImageFixtures.bytes(resize.pixels))
  }

  /// The full-size pipeline, Resize(256) + CenterCrop(224), against sampled torchvision values.
  func testImagenet224EqualsTorchvisionSamples() throws {
    let summary = try ImageFixtures.manifest().summary224
    let image = try RGBImage(contentsOfFile: ImageFixtures.path(summary.image))
    let actual = try ImagePreprocessing.imagenet(size: summary.size)(image)
    XCTAssertEqual(actual.count, 3 * 224 * 224)
    let sampled = stride(from: 0, to: actual.count, by: summary.stride).map { actual[$0] }
    XCTAssertEqual(sampled.count, summary.samples.count)
    for (i, (a, e)) in zip(sampled, summary.samples).enumerated() {
      XCTAssertEqual(a, e, accuracy: tolerance, "sample \(i)")
    }
    let plane = 224 * 224
    for c in 0..<3 {
      let mean = actual[c * plane..<(c + 1) * plane].reduce(0.0) { $0 + Double($1) } / Double(plane)
      XCTAssertEqual(mean, summary.channel_means[c], accuracy: 1e-5, "channel \(c)")
    }
  }

  func testSizesFollowTheCropRule() throws {
    XCTAssertEqual(try ImagePreprocessing.imagenet().resizeShorterSide, 256)
    XCTAssertEqual(try ImagePreprocessing.imagenet(size: 64).resizeShorterSide, 73)
    XCTAssertEqual(try ImagePreprocessing.imagenet(size: 320).resizeShorterSide, 365)
    XCTAssertNil(try ImagePreprocessing.cifar().resizeShorterSide)
    XCTAssertThrowsError(try ImagePreprocessing.imagenet(size: 0)) { error in
      XCTAssertEqual(String(describing: error), "image preprocessing: input size must be at least 1, got 0")
    }
    // Portrait 30×50 → Resize(36) gives 36×60; the crop offset (60 − 32) / 2 = 14 from the top.
    let pixels = (0..<(30 * 50 * 3)).map { UInt8(truncatingIfNeeded: $0 * 7) }
    let crop = try ImagePreprocessing.imagenet(size: 32).resizedAndCropped(
      RGBImage(width: 30, height: 50, pixels: pixels))
    XCTAssertEqual([crop.width, crop.height], [32, 32])
    let resized = RGBImage(width: 30, height: 50, pixels: pixels).resizedBilinear(width: 36, height: 60)
    XCTAssertEqual(crop, resized.cropped(left: 2, top: 14, width: 32, height: 32))
  }

  /// Resizing to the same size is the identity (Pillow skips such a pass).
  func testIdentityResize() {
    let pixels = (0..<(7 * 5 * 3)).map { UInt8(truncatingIfNeeded: $0 &* 37) }
    let image = RGBImage(width: 7, height: 5, pixels: pixels)
    XCTAssertEqual(image.resizedBilinear(width: 7, height: 5), image)
  }
}

extension ImagePreprocessingTests {
  func testTensorBatchesRepeatTheImage() throws {
    let path = ImageFixtures.path("rgb_97x61.png")
    let preprocessing = try ImagePreprocessing.forModel(cifar: true, inputSize: 32)
    XCTAssertEqual(preprocessing, try .cifar(size: 32))
    let tensor = try preprocessing.tensor(contentsOfFile: path, batch: 2)
    XCTAssertEqual(tensor.shape, [2, 3, 32, 32])
    let expected = try ImageFixtures.floats("rgb_97x61.png.cifar32.f32")
    for n in 0..<2 {
      let sample = Array(UnsafeBufferPointer(start: tensor.sample(n), count: tensor.sampleCount))
      XCTAssertLessThan(zip(sample, expected).map { abs($0 - $1) }.max() ?? .infinity, tolerance)
    }
    XCTAssertThrowsError(try preprocessing.tensor(contentsOfFile: path, batch: 0)) { error in
      XCTAssertEqual(String(describing: error), "image preprocessing: batch must be at least 1, got 0")
    }
  }
}
