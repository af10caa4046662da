// Models: builders of every zoo model, a file per family (built on NN).

/// The five families of the zoo, each with what sets it apart and its key formula.
package enum Family: String, Sendable, CaseIterable {
  case resnet = "ResNet"
  case densenet = "DenseNet"
  case senet = "SENet"
  case sknet = "SKNet"
  case resnest = "ResNeSt"

  /// One paragraph on what makes the family different (shown by the explorer).
  package var summary: String {
    switch self {
    case .resnet:
      return """
        ResNet (He et al., 2015) lets every block learn only a correction to its input: the block's layers compute \
        F(x) and a shortcut adds x back, so the signal and its gradient can pass through a hundred layers unchanged. \
        Stages halve the resolution and double the width; deeper models swap the two-conv basic block for a \
        1×1-3×3-1×1 bottleneck that is four times wider at its ends than in its middle.
        """
    case .densenet:
      return """
        DenseNet (Huang et al., 2016) replaces the sum with a concatenation: inside a dense block every layer sees the \
        feature maps of all the layers before it and adds only k new channels (the growth rate), so features are \
        reused instead of recomputed. Each layer is BN-ReLU-1×1 conv to 4k channels then BN-ReLU-3×3 conv to k; \
        transition layers between blocks halve both the channels and the resolution.
        """
    case .senet:
      return """
        SENet (Hu et al., 2017) adds channel attention to a residual block: it squeezes each channel of the block's \
        output to one number by global average pooling, excites them through a small bottleneck of two 1×1 layers \
        ending in a sigmoid, and rescales every channel by its weight before the shortcut is added. The extra cost \
        is tiny; the block learns which channels matter for this image.
        """
    case .sknet:
      return """
        SKNet (Li et al., 2019) lets each block choose its receptive field: the same input goes through several \
        branches with different kernel sizes (3×3 and a dilated 3×3 that sees 5×5), their outputs are summed and \
        pooled into a compact descriptor, and a softmax across the branches gives, per channel, how much of each \
        kernel size to keep.
        """
    case .resnest:
      return """
        ResNeSt (Zhang et al., 2020) splits a block's 3×3 convolution into R radix groups (within K cardinal groups), \
        pools their sum into a channel descriptor and computes a softmax across the splits per channel — attention \
        over feature-map groups, like SKNet's over kernel sizes, applied in every bottleneck of a ResNet-D with a \
        deep 3-conv stem and average-pool downsampling.
        """
    }
  }

  /// The family's key formula.
  package var formula: String {
    switch self {
    case .resnet: return "y = ReLU(F(x, {W_i}) + W_s·x)"
    case .densenet: return "x_l = H_l([x_0, x_1, …, x_{l-1}]);  channels after L layers = C_0 + L·k"
    case .senet: return "s = σ(W_2·ReLU(W_1·GAP(u))),  y_c = s_c·u_c,  W_1: C→C/r"
    case .sknet: return "U = Σ_m U_m;  z = δ(BN(W·GAP(U)));  a_m = softmax_m(A_m·z);  V = Σ_m a_m ⊙ U_m"
    case .resnest: return "V = Σ_r a_r ⊙ U_r,  a = softmax_r(fc2(ReLU(BN(fc1(GAP(Σ_r U_r))))))"
    }
  }
}
