/// A built model: its module tree and its forward as named steps.
///
/// The steps are what the explorer's `s` advances by and what the executor runs one at a time: `stem`, then each
/// block or transition (named by its module path), then `head`. Op paths in steps are relative to the root.
package struct Network: Sendable {
  /// One named group of ops in the forward pass.
  package struct Step: Sendable, Equatable {
    /// `"stem"`, a module path such as `"layer2.3"` or `"features.transition1"`, or `"head"`.
    package let name: String
    package let ops: [Op]

    package init(_ name: String, _ ops: [Op]) {
      self.name = name
      self.ops = ops
    }
  }

  /// The root module (name `""`); its layer is `.program` of all steps' ops in order.
  package let root: Module
  package let steps: [Step]

  /// Builds the network from its top-level children and steps; the root's forward is the steps in order.
  package init(kind: String, children: [Module], steps: [Step]) {
    self.root = Module("", kind: kind, layer: .program(steps.flatMap(\.ops)), children: children)
    self.steps = steps
  }
}
