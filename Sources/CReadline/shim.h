#ifndef HORIZON_CREADLINE_SHIM_H
#define HORIZON_CREADLINE_SHIM_H
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

/* Readline's configuration lives in mutable C globals, which Swift 6 will not touch
   directly; these setters are the whole bridge. */
static inline void horizon_rl_set_name(const char *name) { rl_readline_name = name; }
static inline void horizon_rl_set_completion(rl_completion_func_t *f) { rl_attempted_completion_function = f; }
static inline void horizon_rl_set_completion_append(int c) { rl_completion_append_character = c; }
static inline void horizon_rl_set_attempted_over(int v) { rl_attempted_completion_over = v; }
static inline void horizon_rl_set_word_breaks(const char *s) { rl_completer_word_break_characters = (char *)s; }
static inline void horizon_rl_set_quote_characters(const char *s) { rl_completer_quote_characters = s; }
static inline int horizon_rl_completion_quote_character(void) { return rl_completion_quote_character; }
static inline void horizon_rl_set_suppress_quote(int v) { rl_completion_suppress_quote = v; }
static inline void horizon_rl_set_catch_signals(int v) { rl_catch_signals = v; }
static inline const char *horizon_rl_line_buffer(void) { return rl_line_buffer; }
static inline void horizon_history_set_length(int n) { stifle_history(n); }
#endif
