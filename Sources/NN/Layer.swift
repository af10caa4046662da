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

/// One step of a forward written as data. Paths are dotted and relative to the module that owns the op.
package indirect enum Op: Sendable, Equatable {
  /// x ← module(x).
  case module(String)
  /// x ← cat_C(x, module(x)) (a DenseNet layer inside its block).
  case dense(String)
  /// Functional `F.relu`.
  case relu
  /// `torch.flatten(x, 1)`.
  case flatten
  /// x ← mean_HW(x) kept as N×C×1×1 (functional `adaptive_avg_pool2d(x, 1)`).
  case globalAvgPool
  /// Inline squeeze-excitation: x ← x ⊙ ops(mean_HW(x)) (the seed's PreActBlock with `fc1`/`fc2` on the block).
  case scale([Op])
  /// Functional `torch.sigmoid`.
  case sigmoid
}

/// `nn.Conv2d` hyper-parameters. Weight OIHW = [outChannels, inChannels/groups, kernel, kernel].
package struct Conv2dConfig: Sendable, Equatable {
  package var inChannels: Int
  package var outChannels: Int
  package var kernel: Int
  package var stride: Int
  package var padding: Int
  package var dilation: Int
  package var groups: Int
  package var bias: Bool

  package init(
    _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
    dilation: Int = 1, groups: Int = 1, bias: Bool = false
  ) {
    self.inChannels = inChannels
    self.outChannels = outChannels
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
    self.dilation = dilation
    self.groups = groups
    self.bias = bias
  }
}

/// `nn.BatchNorm2d` hyper-parameters (evaluation mode: running statistics).
package struct BatchNormConfig: Sendable, Equatable {
  package var channels: Int
  package var eps: Double

  package init(_ channels: Int, eps: Double = 1e-5) {
    self.channels = channels
    self.eps = eps
  }
}

/// `nn.Linear` hyper-parameters. Weight = [outFeatures, inFeatures].
package struct LinearConfig: Sendable, Equatable {
  package var inFeatures: Int
  package var outFeatures: Int
  package var bias: Bool

  package init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
    self.inFeatures = inFeatures
    self.outFeatures = outFeatures
    self.bias = bias
  }
}

/// `nn.MaxPool2d` / `nn.AvgPool2d` hyper-parameters (square windows).
package struct PoolConfig: Sendable, Equatable {
  package var kernel: Int
  package var stride: Int
  package var padding: Int
  package var ceilMode: Bool
  /// Average pooling only: whether padded zeros count in the divisor.
  package var countIncludePad: Bool

  package init(kernel: Int, stride: Int, padding: Int = 0, ceilMode: Bool = false, countIncludePad: Bool = true) {
    self.kernel = kernel
    self.stride = stride
    self.padding = padding
    self.ceilMode = ceilMode
    self.countIncludePad = countIncludePad
  }
}

/// The dataflow of a residual block: y = post(body(pre(x)) + shortcut(shortcutFromPre ? pre(x) : x)).
/// An empty `shortcut` is the identity.
package struct ResidualConfig: Sendable, Equatable {
  package var pre: [Op]
  package var body: [Op]
  package var shortcut: [Op]
  package var shortcutFromPre: Bool
  package var post: [Op]

  package init(pre: [Op] = [], body: [Op], shortcut: [Op] = [], shortcutFromPre: Bool = false, post: [Op] = []) {
    self.pre = pre
    self.body = body
    self.shortcut = shortcut
    self.shortcutFromPre = shortcutFromPre
    self.post = post
  }
}

/// timm `SelectiveKernel`: M branches of C output channels each.
package struct SelectiveKernelConfig: Sendable, Equatable {
  package var branches: Int
  package var channels: Int
  /// Branch m sees input channels [m·Cin/M, (m+1)·Cin/M) instead of all of them (timm skresnet18/34).
  package var splitInput: Bool

  package init(branches: Int, channels: Int, splitInput: Bool) {
    self.branches = branches
    self.channels = channels
    self.splitInput = splitInput
  }
}

/// The seed's `SKConv`: M branches of C channels, attention vector length d.
package struct SKConvConfig: Sendable, Equatable {
  package var branches: Int
  package var channels: Int
  package var attentionChannels: Int

  package init(branches: Int, channels: Int, attentionChannels: Int) {
    self.branches = branches
    self.channels = channels
    self.attentionChannels = attentionChannels
  }
}

/// timm `SplitAttn`: radix R, cardinality K, C output channels, attention width `attentionChannels`.
package struct SplitAttentionConfig: Sendable, Equatable {
  package var radix: Int
  package var cardinality: Int
  package var channels: Int
  package var attentionChannels: Int

  package init(radix: Int, cardinality: Int, channels: Int, attentionChannels: Int) {
    self.radix = radix
    self.cardinality = cardinality
    self.channels = channels
    self.attentionChannels = attentionChannels
  }
}
