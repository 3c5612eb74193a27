/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top_screen: the full-screen view of 'pfx top' in plain ANSI (alternate
 * screen, raw keys): drawing a frame, reading keys and what they do, and
 * putting the terminal back as it was on every way out. */
#ifndef PFX_TOP_SCREEN_H
#define PFX_TOP_SCREEN_H

#include "top.h"
#include "top_output.h"

#include <stdbool.h>

enum { TOP_UI_TEXT_MAX = 64, TOP_UI_MESSAGES = 3, TOP_UI_MESSAGE_MAX = 256 };

/* What the keys change. */
struct top_ui {
	enum top_sort sort;
	enum top_view view;
	bool paused, quit;
	bool editing;			/* typing a filter after '/' or 'f' */
	bool help;			/* the key help shows ('?' or 'h'; any key closes it) */
	char filter[TOP_UI_TEXT_MAX];
	char edit[TOP_UI_TEXT_MAX];
	char messages[TOP_UI_MESSAGES][TOP_UI_MESSAGE_MAX];	/* latest alerts, newest first */
	double refresh_s;
};

/* Take the terminal (fd 0 for keys, fd 1 for drawing): raw keys, the
 * alternate screen, no cursor.  0 or -errno (-ENOTTY: not a terminal). */
int pfx_top_screen_open(void);
/* Give it back; safe to call twice, and also run at exit. */
void pfx_top_screen_close(void);
/* The next key, or -1 when none is waiting.  Arrow keys and other escape
 * sequences come back as 27 followed by their bytes; they are ignored. */
int pfx_top_screen_key(void);
/* Apply a key.  true when the view changed (redraw now). */
bool pfx_top_ui_key(struct top_ui *ui, int key);
/* Add an alert line to the view's message area. */
void pfx_top_ui_message(struct top_ui *ui, const char *line);
/* Draw a whole frame. */
void pfx_top_screen_draw(const struct top_ui *ui, const struct top_frame *f, struct top_table *t,
		     const struct top_row *rows, size_t nrows);
/* The number of process rows that fit (so the caller asks for no more). */
size_t pfx_top_screen_row_capacity(void);
/* True once after the terminal was resized. */
bool pfx_top_screen_resized(void);

#endif
