/// Constructors for the PyTorch layers, named as in `torch.nn`, each with its `state_dict` tensors.
extension Module {
  /// `nn.Conv2d(in, out, kernel, stride, padding, dilation, groups, bias)`; weight OIHW.
  package static func conv2d(
    _ name: String, _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
    dilation: Int = 1, groups: Int = 1, bias: Bool = false
  ) -> Module {
    precondition(
      inChannels % groups == 0 && outChannels % groups == 0, "conv2d \(name): channels not divisible by groups")
    let config = Conv2dConfig(
      inChannels, outChannels, kernel: kernel, stride: stride, padding: padding, dilation: dilation, groups: groups,
      bias: bias)
    var tensors = [TensorSpec("weight", [outChannels, inChannels / groups, kernel, kernel])]
    if bias { tensors.append(TensorSpec("bias", [outChannels])) }
    return Module(name, kind: "Conv2d", layer: .conv2d(config), parameters: tensors)
  }

  /// `nn.BatchNorm2d(C)`: γ, β and the running statistics.
  package static func batchNorm2d(_ name: String, _ channels: Int) -> Module {
    Module(
      name, kind: "BatchNorm2d", layer: .batchNorm2d(BatchNormConfig(channels)),
      parameters: batchNormParameters(channels), buffers: batchNormBuffers(channels))
  }

  /// timm `BatchNormAct2d`: batch norm, then `drop` (Identity) and `act` (ReLU, or Identity when `act` is false).
  package static func batchNormAct(_ name: String, _ channels: Int, act: Bool = true) -> Module {
    Module(
      name, kind: "BatchNormAct2d", layer: .batchNormAct(BatchNormConfig(channels)),
      parameters: batchNormParameters(channels), buffers: batchNormBuffers(channels),
      children: [identity("drop"), act ? relu("act") : identity("act")])
  }

  /// `nn.Linear(in, out, bias)`; weight [out, in].
  package static func linear(_ name: String, _ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) -> Module {
    var tensors = [TensorSpec("weight", [outFeatures, inFeatures])]
    if bias { tensors.append(TensorSpec("bias", [outFeatures])) }
    return Module(
      name, kind: "Linear", layer: .linear(LinearConfig(inFeatures, outFeatures, bias: bias)), parameters: tensors)
  }

  package static func relu(_ name: String) -> Module { Module(name, kind: "ReLU", layer: .relu) }
  package static func sigmoid(_ name: String) -> Module { Module(name, kind: "Sigmoid", layer: .sigmoid) }
  package static func identity(_ name: String) -> Module { Module(name, kind: "Identity", layer: .identity) }
  package static func flatten(_ name: String) -> Module { Module(name, kind: "Flatten", layer: .flatten) }
  package static func adaptiveAvgPool2d(_ name: String) -> Module {
    Module(name, kind: "AdaptiveAvgPool2d", layer: .adaptiveAvgPool2d)
  }

  package static func maxPool2d(_ name: String, kernel: Int, stride: Int, padding: Int = 0, ceilMode: Bool = false)
    -> Module
  {
    Module(
      name, kind: "MaxPool2d",
      layer: .maxPool2d(PoolConfig(kernel: kernel, stride: stride, padding: padding, ceilMode: ceilMode)))
  }

  package static func avgPool2d(
    _ name: String, kernel: Int, stride: Int, padding: Int = 0, ceilMode: Bool = false, countIncludePad: Bool = true
  ) -> Module {
    Module(
      name, kind: "AvgPool2d",
      layer: .avgPool2d(
        PoolConfig(
          kernel: kernel, stride: stride, padding: padding, ceilMode: ceilMode, countIncludePad: countIncludePad)))
  }

  /// A container whose children keep their own names (`kind` is the PyTorch class, e.g. `"Bottleneck"`).
  package static func container(_ name: String, kind: String, layer: Layer, _ children: [Module]) -> Module {
    Module(name, kind: kind, layer: layer, children: children)
  }

  /// `nn.Sequential(*children)`: children renamed `0, 1, 2, …` as PyTorch numbers them.
  package static func sequential(_ name: String, kind: String = "Sequential", _ children: [Module]) -> Module {
    Module(name, kind: kind, layer: .sequential, children: numbered(children))
  }

  /// `nn.ModuleList(children)`: children renamed `0, 1, 2, …`.
  package static func moduleList(_ name: String, _ children: [Module]) -> Module {
    Module(name, kind: "ModuleList", layer: .moduleList, children: numbered(children))
  }

  private static func numbered(_ children: [Module]) -> [Module] {
    children.enumerated().map { $0.element.named(String($0.offset)) }
  }

  private static func batchNormParameters(_ channels: Int) -> [TensorSpec] {
    [TensorSpec("weight", [channels]), TensorSpec("bias", [channels])]
  }

  private static func batchNormBuffers(_ channels: Int) -> [TensorSpec] {
    [
      TensorSpec("running_mean", [channels]), TensorSpec("running_var", [channels]),
      TensorSpec("num_batches_tracked", [], dtype: .int64),
    ]
  }
}
