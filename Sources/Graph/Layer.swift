/// What a module computes: its layer type and typed hyper-parameters.
///
/// Leaves map one tensor to one tensor. Containers compute from their children, which they find by the fixed
/// child names documented on each case (the names of the PyTorch reference), or by the relative paths in their `Op`s.
/// Dimension letters: N batch, C channels, H W height width, M branches, R radix, K cardinality.
package enum Layer: Sendable, Equatable {
  // MARK: Leaves
  case conv2d(Conv2dConfig)
  case batchNorm2d(BatchNormConfig)
  /// timm `BatchNormAct2d`: batch norm with its own parameters, then its children in order (`drop`, `act`).
  case batchNormAct(BatchNormConfig)
  case linear(LinearConfig)
  case relu
  case sigmoid
  case identity
  /// `nn.Flatten(1)`: N×C×H×W → N×(C·H·W).
  case flatten
  case maxPool2d(PoolConfig)
  case avgPool2d(PoolConfig)
  /// `nn.AdaptiveAvgPool2d(1)`: N×C×H×W → N×C×1×1.
  case adaptiveAvgPool2d
  /// `nn.Softmax(dim)` over the branch axis of N×M×C (the seed's `SKConv.softmax`).
  case softmax(dim: Int)
  /// timm `RadixSoftmax`: N×(K·R·C/K)×1×1 viewed as N×K×R×(C/K), softmax over R (sigmoid when R = 1),
  /// returned radix-major as N×(R·C).
  case radixSoftmax(radix: Int, cardinality: Int)

  // MARK: Containers
  /// Children in order (`Sequential`, `ConvNormAct`, `_DenseLayer`, `_Transition`, `SelectAdaptivePool2d`, …).
  case sequential
  /// `ModuleList`: holds modules, is never called itself (no output shape).
  case moduleList
  /// A forward written as ops over descendants (relative paths); the root of every network.
  case program([Op])
  /// y = post(body(pre(x)) + shortcut(shortcutFromPre ? pre(x) : x)).
  case residual(ResidualConfig)
  /// torchvision `_DenseBlock`: x ← cat_C(x, child(x)) for each child; output = the final concatenation.
  case denseBlock
  /// Squeeze-and-excitation (`SEModule`): x ⊙ children-in-order(mean_HW(x)), children `fc1 bn act fc2 gate`.
  case squeezeExcite
  /// timm `SelectiveKernel`: children `paths.0…paths.{M-1}` (each N×Cin'×H×W → N×C×OH×OW, Cin' = Cin/M when
  /// `splitInput`, else Cin) and `attn` (`selectiveKernelAttention`); y = Σ_m a_m ⊙ U_m.
  case selectiveKernel(SelectiveKernelConfig)
  /// timm `SelectiveKernelAttn`: input the stacked paths N×M×C×H×W; s = mean_HW(Σ_m U_m);
  /// children `fc_reduce bn act fc_select` in order; view N×M×C×1×1; softmax over M. Output N×M×C×1×1.
  case selectiveKernelAttention(branches: Int, channels: Int)
  /// The seed's `SKConv` (bugs fixed): children `convs.0…convs.{M-1}` (each a Sequential on x), `gap`
  /// (AdaptiveAvgPool2d), `fc` (Linear C→d, on the flattened N×C), `fcs.0…fcs.{M-1}` (Linear d→C), `softmax`
  /// (over the stacked N×M×C); y = Σ_m a_m ⊙ U_m.
  case skConv(SKConvConfig)
  /// timm `SplitAttn` (ResNeSt): children `conv bn0 drop act0` give U (N×R·C×OH×OW, radix-major);
  /// s = mean_HW(Σ_r U_r); children `fc1 bn1 act1 fc2 rsoftmax` give a (N×R·C); y = Σ_r a_r ⊙ U_r.
  case splitAttention(SplitAttentionConfig)
}

extension Layer {
  /// Whether a leaf of this layer writes a new tensor (views and no-ops do not count as activation memory).
  package var allocates: Bool {
    switch self {
    case .identity, .flatten, .sequential: return false
    case .conv2d, .batchNorm2d, .batchNormAct, .linear, .relu, .sigmoid, .maxPool2d, .avgPool2d, .adaptiveAvgPool2d,
      .softmax, .radixSoftmax, .moduleList, .program, .residual, .denseBlock, .squeezeExcite, .selectiveKernel,
      .selectiveKernelAttention, .skConv, .splitAttention:
      return true
    }
  }
}
