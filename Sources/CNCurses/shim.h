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
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
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

/// Opens the terminal on stdout/stdin (NULL on an unknown TERM, where initscr() would exit).
static inline SCREEN *cs_newterm(void) { return newterm(NULL, stdout, stdin); }

/// 1 when the locale's codeset (after setlocale(LC_ALL, "")) is UTF-8.
static inline int cs_locale_is_utf8(void) {
  const char *codeset = nl_langinfo(CODESET);
  return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

/// The terminal's size from the kernel (TIOCGWINSZ on stdout); returns 0 on success.
static inline int cs_window_size(int *lines, int *cols) {
  struct winsize ws;
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0) return -1;
  *lines = ws.ws_row;
  *cols = ws.ws_col;
  return 0;
}

static inline mmask_t cs_button1_double_clicked(void) { return BUTTON1_DOUBLE_CLICKED; }

/// Reads one mouse report: returns OK and fills x, y and the button mask.
static inline int cs_get_mouse(int *x, int *y, mmask_t *bstate) {
  MEVENT event;
  if (getmouse(&event) != OK) return ERR;
  *x = event.x;
  *y = event.y;
  *bstate = event.bstate;
  return OK;
}

// Signals: SIGINT/SIGTERM/SIGHUP only set a flag the run loop polls (async-signal-safe); fatal
// signals restore the terminal before the default action runs, so a crash never leaves it raw.
static volatile sig_atomic_t cs_pending_signal = 0;

static inline void cs_on_terminate(int sig) { cs_pending_signal = sig; }

static inline void cs_on_fatal(int sig) {
  endwin();
  signal(sig, SIG_DFL);
  raise(sig);
}

static inline void cs_install_signal_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sigemptyset(&sa.sa_mask);
  sa.sa_handler = cs_on_terminate;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  sa.sa_handler = cs_on_fatal;
  sa.sa_flags = SA_RESETHAND;
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
  sigaction(SIGILL, &sa, NULL);
  sigaction(SIGFPE, &sa, NULL);
  sigaction(SIGABRT, &sa, NULL);
  sigaction(SIGTRAP, &sa, NULL);
}

static inline void cs_restore_signal_handlers(void) {
  int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
  for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) signal(signals[i], SIG_DFL);
}

/// The signal received since the last call (0 when none), cleared.
static inline int cs_take_signal(void) {
  int sig = cs_pending_signal;
  cs_pending_signal = 0;
  return sig;
}
#endif
