import Formats
import Foundation
import Models
import Presentation
import Session

/// `W` `w` `M` `T`: the commands that change how the explorer shows what it has, or take it elsewhere.
package enum ViewCommand: Hashable, Sendable {
  /// `W`: the wiring view of the selected block.
  case wiring
  /// `w`: write the current view to a file named at a prompt.
  case export
  /// `M`: mouse capture off / on.
  case mouse
  /// `T`: per-node time and GFLOP/s in the tree's columns.
  case layerTimes
}

/// What `w` writes: the file and its content, computed by reduce (a view's numbers) or by the runner (the tree,
/// which is `summary`'s report of the shown session).
package struct ExportJob: Equatable, Sendable {
  package enum Content: Equatable, Sendable {
    /// `summary MODEL --format …` of the shown model at its input.
    case summary(ModelSpec, InputChoice, ReportFormat)
    case text(String)
  }

  package var path: String
  package var content: Content

  package init(path: String, content: Content) {
    self.path = path
    self.content = content
  }
}

/// How a write went: the path written (made absolute), or why not.
package enum ExportOutcome: Equatable, Sendable {
  case written(String)
  case refused(String)
}

extension ExplorerState {
  /// Runs `W`, `w`, `M` or `T`.
  mutating func runView(_ command: ViewCommand) -> [ExplorerEffect] {
    switch command {
    case .wiring:
      if case .wiring = overlay { overlay = nil } else { overlay = .wiring(scroll: 0) }
    case .export:
      guard let name = exportDefaultName else {
        notice = Notice(text: "nothing to write here: w writes the tree, a node's details or a view", isWarning: false)
        return []
      }
      prompt = Prompt(purpose: .export, text: name, savedSelection: selected)
    case .mouse:
      mouseCaptured.toggle()
      notice = Notice(
        text: mouseCaptured
          ? "mouse capture on: clicks select, the wheel scrolls (Shift-drag selects text where the terminal can)"
          : "mouse capture off: the terminal selects text (M turns capture back on)",
        isWarning: false)
    case .layerTimes:
      guard showsLayerTimes || live.completed.contains(where: { !$0.layerTimes.isEmpty }) else {
        notice = Notice(text: "T shows per-node times after a run: r runs the forward pass", isWarning: false)
        return []
      }
      showsLayerTimes.toggle()
      notice = Notice(
        text: showsLayerTimes
          ? "tree columns: time and GFLOP/s of the last run (observed, unfused pass; T turns them off)"
          : "tree columns: params and MACs", isWarning: false)
    }
    return []
  }

  /// Keys in the wiring view: scrolling, `w`, `M`, close.
  mutating func handleWiringKey(_ key: Key, scroll: Int) -> [ExplorerEffect] {
    switch KeyBindings.command(for: key, in: .wiring) {
    case .quit: shouldQuit = true
    case .escape, .view(.wiring): overlay = nil
    case .help: overlay = .help(scroll: 0)
    case .moveUp: overlay = .wiring(scroll: clampOverlayScroll(scroll - 1))
    case .moveDown: overlay = .wiring(scroll: clampOverlayScroll(scroll + 1))
    case .pageUp: overlay = .wiring(scroll: clampOverlayScroll(scroll - pageSize))
    case .pageDown: overlay = .wiring(scroll: clampOverlayScroll(scroll + pageSize))
    case .top: overlay = .wiring(scroll: 0)
    case .bottom: overlay = .wiring(scroll: clampOverlayScroll(Int.max / 2))
    case .view(let command): return runView(command)
    case nil, .collapse, .expand, .toggle, .switchFocus, .search, .nextMatch, .previousMatch, .modelPicker, .compare,
      .inputSize, .compareAdd, .compareRemove, .step, .runToSelected, .runToEnd, .reset, .activationView,
      .attentionView, .nextTheme, .accept, .deleteBackward, .editVariant, .baseModel, .ablation, .notices:
      notice = Notice(text: "\(Self.describe(key)) does nothing here: Esc closes the view", isWarning: false)
    }
    return []
  }

  /// Keys at the export prompt: edit the name, Enter writes, Esc cancels.
  mutating func handleExportKey(_ key: Key) -> [ExplorerEffect] {
    editPrompt(key) { state, text in
      let path = text.trimmingCharacters(in: .whitespaces)
      guard !path.isEmpty else {
        state.notice = Notice(text: "nothing written: no file name", isWarning: false)
        return []
      }
      do throws(ExportRefusal) {
        return [.export(try state.exportJob(to: path))]
      } catch {
        state.notice = Notice(text: "nothing written: \(error.reason)", isWarning: true)
      }
      return []
    }
  }

  /// Shows how a write went.
  mutating func showExport(_ outcome: ExportOutcome) {
    switch outcome {
    case .written(let path): notice = Notice(text: "wrote \(path)", isWarning: false)
    case .refused(let reason): notice = Notice(text: "nothing written: \(reason)", isWarning: true)
    }
  }

  /// What `w` writes where the keys are now, as the file name's middle part and the extensions it takes.
  private var exportTarget: (name: String, extensions: [String])? {
    switch overlay {
    case .activations: return (ActivationView.exportName, ["csv", "json"])
    case .attention: return (AttentionView.exportName, ["csv", "json"])
    case .lesion: return (LesionView.exportName, ["csv", "json"])
    case .gradient: return (GradientView.exportName, ["csv", "json"])
    case .wiring: return ("wiring-" + (exportNodeName ?? "block"), ["txt", "md"])
    case .help, .picker, .variant, .reuse, .classPrompt, .notices: return nil
    case nil:
      if compare != nil { return nil }
      return focus == .details
        ? ("details-" + (exportNodeName ?? "root"), ["json", "md", "txt"]) : ("tree", ["md", "csv", "json"])
    }
  }

  private var exportNodeName: String? { selectedNode.path.isEmpty ? nil : selectedNode.path }

  /// The prompt's first text: `resnet50-tree.md` in the working directory.
  package var exportDefaultName: String? {
    guard let target = exportTarget else { return nil }
    let model = model.name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." ? $0 : "_" }
    return String(model) + "-" + target.name + "." + target.extensions[0]
  }

  /// The write `path` asks for, by its extension; throws when the view has nothing to write or the extension does
  /// not fit it.
  func exportJob(to path: String) throws(ExportRefusal) -> ExportJob {
    guard let target = exportTarget else { throw ExportRefusal(reason: "this view has nothing to write") }
    let ext = path.split(separator: ".").count > 1 ? String(path.split(separator: ".").last ?? "").lowercased() : ""
    let known = ext == "markdown" ? "md" : ext
    guard target.extensions.contains(known) else {
      throw ExportRefusal(
        reason: "\(path): the extension names the format; here: "
          + target.extensions.map { "." + $0 }.joined(separator: ", "))
    }
    switch overlay {
    case .activations: return try table(ActivationView.self, path: path, ext: known)
    case .attention: return try table(AttentionView.self, path: path, ext: known)
    case .lesion: return try table(LesionView.self, path: path, ext: known)
    case .gradient: return try table(GradientView.self, path: path, ext: known)
    case .wiring:
      let lines = WiringView.lines(for: self, width: 200).map(\.plainText)
      let text = (known == "md" ? ["```"] + lines + ["```"] : lines).joined(separator: "\n") + "\n"
      return ExportJob(path: path, content: .text(text))
    case .help, .picker, .variant, .reuse, .classPrompt, .notices:
      throw ExportRefusal(reason: "this view has nothing to write")
    case nil:
      if focus == .details { return ExportJob(path: path, content: .text(nodeDetails(format: known))) }
      guard let spec = model.spec else { throw ExportRefusal(reason: "\(model.name) is not a zoo model") }
      let format: ReportFormat = known == "csv" ? .csv : known == "json" ? .json : .markdown
      return ExportJob(path: path, content: .summary(spec, input, format))
    }
  }

  private func table<View: ExportableView>(_ view: View.Type, path: String, ext: String) throws(ExportRefusal)
    -> ExportJob
  {
    guard let table = View.exportTable(for: self) else {
      throw ExportRefusal(reason: "the view has no numbers yet: r runs the forward pass")
    }
    return ExportJob(path: path, content: .text(ext == "csv" ? table.csv : table.json))
  }

  /// The selected node's details: as JSON (its figures), or the details pane's lines as text.
  private func nodeDetails(format: String) -> String {
    let node = selectedNode
    guard format == "json" else {
      let lines = DetailsPane.lines(for: self, width: 100).map(\.plainText)
      return (format == "md" ? ["```"] + lines + ["```"] : lines).joined(separator: "\n") + "\n"
    }
    func int(_ value: Int) -> JSONValue { .integer(Int64(value)) }
    var fields: [(String, JSONValue)] = [
      ("model", .string(model.name)), ("path", .string(node.path)), ("kind", .string(node.kind)),
      ("output_shape", .array(node.outputShape.map(int))), ("params", int(node.params)), ("macs", int(node.macs)),
      ("element_ops", int(node.elementOps)), ("buffers", int(node.bufferElements)),
      ("output_bytes", int(node.activationBytes)), ("activation_bytes", int(node.subtreeActivationBytes)),
      ("receptive_field", node.receptiveField.map(int) ?? .null), ("stride", node.jumpStride.map(int) ?? .null),
      ("hyper_parameters", .object(node.hyperParameters.map { ($0.0, .string($0.1)) })),
      ("parameters", .object(node.parameters.map { ($0.name, .array($0.shape.map(int))) })),
    ]
    if node.path.isEmpty { fields.insert(("input_shape", .array(model.inputShape.map(int))), at: 1) }
    if let digest = selectedDigest {
      fields.append(
        (
          "run",
          .object([
            ("mean", .number(digest.statistics.mean)), ("std", .number(digest.statistics.std)),
            ("zeros", .number(digest.statistics.zeroFraction)),
          ])
        ))
    }
    return JSONValue.object(fields).text(.spaced) + "\n"
  }
}

/// Why `w` wrote nothing, in the words of its notice.
package struct ExportRefusal: Error, Equatable {
  package var reason: String
}

extension EffectRunner {
  /// Writes `job` atomically (a temporary file renamed over the target: never a partial file).
  func write(_ job: ExportJob) -> ExportOutcome {
    let text: String
    switch job.content {
    case .text(let content): text = content
    case .summary(let spec, let input, let format):
      let session =
        controller.map(\.currentSession).flatMap { $0.spec == spec ? $0 : nil }
        ?? Session(spec: spec, batch: input.batch, size: input.size)
      do {
        text = try session.analysis().report(spec: spec, format: format, depth: 3)
      } catch {
        return .refused("\(error)")
      }
    }
    do {
      try FileBytes.writeAtomically(Array(text.utf8), to: job.path)
    } catch {
      return .refused("\(error)")
    }
    let absolute = job.path.hasPrefix("/") ? job.path : FileManager.default.currentDirectoryPath + "/" + job.path
    return .written(absolute)
  }
}
