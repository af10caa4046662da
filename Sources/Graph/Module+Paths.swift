/// Walking the tree: every node with its dotted path, and the `state_dict` view.
extension Module {
  /// One node of a pre-order walk.
  package struct Entry: Sendable {
    /// Dotted path from the root; `""` for the root.
    package let path: String
    package let depth: Int
    package let module: Module
  }

  /// Every node in pre-order (parent before children, children in order), root first.
  package func walk() -> [Entry] {
    var entries: [Entry] = []
    func visit(_ node: Module, _ path: String, _ depth: Int) {
      entries.append(Entry(path: path, depth: depth, module: node))
      for child in node.children {
        visit(child, Module.join(path, child.name), depth + 1)
      }
    }
    visit(self, "", 0)
    return entries
  }

  /// `state_dict` entries in PyTorch order (per module: parameters, then buffers; modules in pre-order).
  package func stateDict() -> [(key: String, spec: TensorSpec)] {
    walk().flatMap { entry in
      (entry.module.parameters + entry.module.buffers).map { (Module.join(entry.path, $0.name), $0) }
    }
  }

  /// Learnable parameters only, with full keys.
  package func namedParameters() -> [(key: String, spec: TensorSpec)] {
    walk().flatMap { entry in entry.module.parameters.map { (Module.join(entry.path, $0.name), $0) } }
  }

  /// Learnable elements of this subtree.
  package var parameterCount: Int { walk().reduce(0) { $0 + $1.module.ownParameterCount } }

  /// Joins a dotted path and a segment (`join("", "conv1") == "conv1"`).
  package static func join(_ path: String, _ segment: String) -> String {
    path.isEmpty ? segment : (segment.isEmpty ? path : path + "." + segment)
  }
}
