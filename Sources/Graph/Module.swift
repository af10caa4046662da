/// A node of a model: its `state_dict` path segment, PyTorch class name, layer, tensors and children.
///
/// Full parameter names are the dotted path of names from the root plus the tensor name, so they equal the
/// torchvision/timm `state_dict` keys. The root's name is `""`.
package struct Module: Sendable, Equatable {
  /// The path segment (`"conv1"`, `"0"`, `"denselayer3"`); `""` for the root.
  package var name: String
  /// The PyTorch class name (`"Conv2d"`, `"Bottleneck"`, `"SelectiveKernel"`, …).
  package var kind: String
  package var layer: Layer
  /// Learnable tensors (`weight`, `bias`).
  package var parameters: [TensorSpec]
  /// Non-learnable state (`running_mean`, `running_var`, `num_batches_tracked`).
  package var buffers: [TensorSpec]
  package var children: [Module]

  package init(
    _ name: String, kind: String, layer: Layer, parameters: [TensorSpec] = [], buffers: [TensorSpec] = [],
    children: [Module] = []
  ) {
    self.name = name
    self.kind = kind
    self.layer = layer
    self.parameters = parameters
    self.buffers = buffers
    self.children = children
  }

  /// The same module under another name.
  package func named(_ newName: String) -> Module {
    var copy = self
    copy.name = newName
    return copy
  }

  /// The direct child called `childName`, if any.
  package func child(_ childName: String) -> Module? {
    children.first { $0.name == childName }
  }

  /// The descendant at a dotted path relative to this module (`"layer1.0.conv1"`); `""` is this module.
  package func descendant(at path: String) -> Module? {
    if path.isEmpty { return self }
    var node = self
    for segment in path.split(separator: ".", omittingEmptySubsequences: false) {
      guard let next = node.child(String(segment)) else { return nil }
      node = next
    }
    return node
  }

  /// Learnable elements of this module alone (not its children).
  package var ownParameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

  /// Buffer elements of this module alone.
  package var ownBufferCount: Int { buffers.reduce(0) { $0 + $1.count } }
}
