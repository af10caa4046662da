/// The root's memory figures, each labelled with what it counts (`summary` prints the same, measured).
extension DetailsPane {
  static func memory(state: ExplorerState, width: Int) -> [StyledLine] {
    let model = state.model
    var out = [StyledLine(), StyledLine("memory", .heading)]
    let input = 4 * model.inputShape.reduce(1, *)
    out += field("input", [(DisplayFormat.bytes(input), .number), ("float32", .dim)], width: width)
    out += field("params", [(DisplayFormat.bytes(4 * model.totalParams), .number), ("float32", .dim)], width: width)
    if let peak = state.live.completed.last?.poolBytes {
      let done = state.live.isComplete ? "executor peak, reuse counted" : "executor so far"
      out += field("act. peak", [(DisplayFormat.bytes(peak), .number), (done, .dim)], width: width)
    } else {
      out += field("act. peak", [("r measures it", .dim)], width: width)
    }
    out += field("backward", [("summary --format json: backward_bytes", .dim)], width: width)
    return out
  }
}
