// ncursesw for Swift: the wide-character API plus tiny wrappers for what Swift cannot
// import (function-like macros, attribute/mouse constants, mutable globals).
// Only Explorer/NCursesTerminal.swift imports this module.
#ifndef CONVSCOPE_CNCURSES_SHIM_H
#define CONVSCOPE_CNCURSES_SHIM_H
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

// Hidden from Swift's Glibc module.
int wcwidth(wchar_t c);

static inline WINDOW *cs_stdscr(void) { return stdscr; }
static inline int cs_lines(void) { return LINES; }
static inline int cs_cols(void) { return COLS; }
static inline int cs_colors(void) { return COLORS; }
static inline int cs_color_pairs(void) { return COLOR_PAIRS; }

static inline attr_t cs_a_normal(void) { return A_NORMAL; }
static inline attr_t cs_a_bold(void) { return A_BOLD; }
static inline attr_t cs_a_reverse(void) { return A_REVERSE; }
static inline attr_t cs_a_dim(void) { return A_DIM; }
static inline attr_t cs_a_underline(void) { return A_UNDERLINE; }

static inline mmask_t cs_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t cs_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t cs_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t cs_wheel_up(void) { return BUTTON4_PRESSED; }
#ifdef BUTTON5_PRESSED
static inline mmask_t cs_wheel_down(void) { return BUTTON5_PRESSED; }
#else
static inline mmask_t cs_wheel_down(void) { return 0; }
#endif
static inline mmask_t cs_all_mouse_events(void) { return ALL_MOUSE_EVENTS; }

/// Writes one wide character with attributes and an extended colour pair at (y, x).
static inline int cs_put_cell(int y, int x, const wchar_t *wch, attr_t attrs, int pair) {
  cchar_t cc;
  if (setcchar(&cc, wch, attrs, 0, &pair) != OK) return ERR;
  return mvadd_wch(y, x, &cc);
}

static inline int cs_set_color_pair(int pair, int fg, int bg) {
  return init_extended_pair(pair, fg, bg);
}
#endif
