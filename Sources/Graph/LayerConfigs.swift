// The typed hyper-parameters carried by `Layer` cases.

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
