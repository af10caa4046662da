/// What can happen to the explorer: input from the terminal.
package enum ExplorerAction: Equatable, Sendable {
  case key(Key)
  case mouse(MouseEvent)
  case resize(TerminalSize)
}
