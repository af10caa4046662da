// Explorer: the terminal UI — state, pure reduce, rendering into a cell grid, ncurses backend.
