/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top_screen: raw-mode terminal, ANSI drawing and key bindings. */
#include "config.h"
#include "top_screen.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

/* Lines above the rows: summary, keys, alert, column header. */
enum { HEAD_LINES = 4 };

static struct termios saved_termios;
static bool active;
static volatile sig_atomic_t resized;
static char *screen_buf;
static size_t screen_len, screen_cap;

static void on_winch(int signo)
{
	(void)signo;
	resized = 1;
}

static const char enter_seq[] = "\033[?1049h\033[?25l\033[H\033[2J";
static const char leave_seq[] = "\033[0m\033[?25h\033[?1049l";
static struct termios raw_termios;

/* Ctrl-Z: give the shell its terminal back before stopping, and take it
 * again on fg.  Only async-signal-safe calls (write, tcsetattr, raise). */
static void on_tstp(int signo)
{
	struct sigaction sa;
	int saved_errno = errno;

	(void)signo;
	if (active) {
		if (write(STDOUT_FILENO, leave_seq, sizeof(leave_seq) - 1) < 0) {}
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGTSTP, &sa, NULL);
	raise(SIGTSTP);		/* stops here until SIGCONT */
	sa.sa_handler = on_tstp;
	sigaction(SIGTSTP, &sa, NULL);
	if (active) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw_termios);
		if (write(STDOUT_FILENO, enter_seq, sizeof(enter_seq) - 1) < 0) {}
	}
	resized = 1;		/* redraw everything */
	errno = saved_errno;
}

static void put(const char *s, size_t n)
{
	if (PFX_GROW(screen_buf, screen_cap, screen_len + n + 1, 65536))
		return;	/* a frame cut short beats no frame */
	memcpy(screen_buf + screen_len, s, n);
	screen_len += n;
}

static void puts_raw(const char *s)
{
	put(s, strlen(s));
}

static void flush_screen(void)
{
	pfx_write_all(STDOUT_FILENO, screen_buf, screen_len);
	screen_len = 0;
}

static void term_size(int *rows, int *cols)
{
	struct winsize ws;

	*rows = 24;
	*cols = 80;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

void pfx_top_screen_close(void)
{
	if (!active)
		return;
	active = false;
	signal(SIGTSTP, SIG_DFL);
	/* Leave the alternate screen and show the cursor before the modes. */
	pfx_write_all(STDOUT_FILENO, leave_seq, sizeof(leave_seq) - 1);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_termios);
	free(screen_buf);
	screen_buf = NULL;
	screen_cap = screen_len = 0;
}

int pfx_top_screen_open(void)
{
	struct termios raw;
	struct sigaction sa;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return -ENOTTY;
	if (tcgetattr(STDIN_FILENO, &saved_termios))
		return -errno;
	raw = saved_termios;
	/* Keys one at a time, no echo; ISIG stays so Ctrl-C still sends
	 * SIGINT, which pfx turns into a clean exit. */
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 0;
	raw.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw))
		return -errno;
	raw_termios = raw;
	active = true;
	/* exit() from anywhere still gives the terminal back. */
	atexit(pfx_top_screen_close);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_winch;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);	/* no SA_RESTART: wakes the poll to redraw */
	sa.sa_handler = on_tstp;
	sigaction(SIGTSTP, &sa, NULL);
	pfx_write_all(STDOUT_FILENO, enter_seq, sizeof(enter_seq) - 1);
	return 0;
}

bool pfx_top_screen_resized(void)
{
	bool r = resized;

	resized = 0;
	return r;
}

int pfx_top_screen_key(void)
{
	unsigned char c;

	if (read(STDIN_FILENO, &c, 1) == 1)
		return c;
	return -1;
}

void pfx_top_ui_message(struct top_ui *ui, const char *line)
{
	memmove(ui->messages[1], ui->messages[0], sizeof(ui->messages[0]) * (TOP_UI_MESSAGES - 1));
	snprintf(ui->messages[0], sizeof(ui->messages[0]), "%s", line);
}

static bool edit_key(struct top_ui *ui, int key)
{
	size_t len = strlen(ui->edit);

	if (key == '\r' || key == '\n') {
		memcpy(ui->filter, ui->edit, sizeof(ui->filter));
		ui->editing = false;
	} else if (key == 27) {
		ui->editing = false;	/* Esc: keep the old filter */
	} else if (key == 127 || key == 8) {
		if (len)
			ui->edit[len - 1] = '\0';
	} else if (key >= 32 && key < 127 && len + 1 < sizeof(ui->edit)) {
		ui->edit[len] = (char)key;
		ui->edit[len + 1] = '\0';
	}
	return true;
}

bool pfx_top_ui_key(struct top_ui *ui, int key)
{
	if (ui->editing)
		return edit_key(ui, key);
	if (ui->help && key != 'q') {
		ui->help = false;	/* any key but q closes the help, as in top */
		return true;
	}
	switch (key) {
	case '?':
	case 'h': ui->help = true; return true;
	case 'q': ui->quit = true; return false;
	case 'm': ui->sort = TOP_SORT_MINOR; return true;
	case 'M': ui->sort = TOP_SORT_MAJOR; return true;
	case 'r': ui->sort = TOP_SORT_RSS; return true;
	case 's': ui->sort = TOP_SORT_SWAP; return true;
	case 'p': ui->sort = TOP_SORT_PID; return true;
	case ' ': ui->paused = !ui->paused; return true;
	case 't': ui->view = ui->view == TOP_VIEW_TREE ? TOP_VIEW_FLAT : TOP_VIEW_TREE; return true;
	case 'c': ui->view = ui->view == TOP_VIEW_CGROUP ? TOP_VIEW_FLAT : TOP_VIEW_CGROUP; return true;
	case '/':
	case 'f':
		ui->editing = true;
		memcpy(ui->edit, ui->filter, sizeof(ui->edit));
		return true;
	default: return false;
	}
}

size_t pfx_top_screen_row_capacity(void)
{
	int rows, cols;

	term_size(&rows, &cols);
	return rows > HEAD_LINES + 1 ? (size_t)(rows - HEAD_LINES - 1) : 1;
}

/* One screen line, cut to the width; reverse video when asked. */
static void line(const char *s, int cols, bool reverse)
{
	size_t n = strlen(s);

	if (reverse)
		puts_raw("\033[7m");
	if (n > (size_t)cols) {
		n = (size_t)cols;
		/* not inside a character (names are UTF-8) */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	put(s, n);
	if (reverse) {
		/* the bar spans the width */
		for (size_t i = n; i < (size_t)cols; i++)
			put(" ", 1);
		puts_raw("\033[0m");
	}
	puts_raw("\033[K\r\n");
}

static const char *view_name(enum top_view v)
{
	return v == TOP_VIEW_TREE ? "tree" : v == TOP_VIEW_CGROUP ? "cgroup" : "flat";
}

void pfx_top_screen_draw(const struct top_ui *ui, const struct top_frame *f, struct top_table *t,
		     const struct top_row *rows, size_t nrows)
{
	char buf[1024], clock[16];
	int nlines, cols;
	time_t now = (time_t)f->timestamp;
	struct tm tm;

	term_size(&nlines, &cols);
	localtime_r(&now, &tm);
	strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	puts_raw("\033[H");
	snprintf(buf, sizeof(buf), "pfx top - %s  %zu processes  minor %.1f/s  major %.1f/s  "
		 "every %.1f s%s", clock, f->nprocs, f->total.minor_rate, f->total.major_rate,
		 ui->refresh_s, ui->paused ? "  [PAUSED]" : "");
	line(buf, cols, false);
	snprintf(buf, sizeof(buf), "sort %s (m M r s p)  view %s (t c)  filter '%s' (/)  "
		 "space pause  ? help  q quit", pfx_top_sort_name(ui->sort), view_name(ui->view), ui->filter);
	line(buf, cols, false);
	line(ui->messages[0], cols, false);
	pfx_top_fmt_header(buf, sizeof(buf), ui->view);
	line(buf, cols, true);
	if (ui->help) {
		static const char *const help[] = {
			"Keys (any key closes this help; q quits):",
			"  m  sort by minor faults/s      M  sort by major faults/s",
			"  r  sort by RSS                 s  sort by swap",
			"  p  sort by PID",
			"  t  tree view (children under their parents), again: flat",
			"  c  cgroup view (rows grouped, with sums), again: flat",
			"  /  or f  filter by command, user or cgroup (Enter sets, Esc cancels)",
			"  space  pause or resume the refresh",
			"  q  quit (Ctrl-C too)",
			"",
			"Rates are per second over the last refresh; names other users chose",
			"show control bytes as \\xNN.  See pfx-top(1) and doc/top.md.",
		};

		for (size_t i = 0; i < PFX_ARRAY_SIZE(help) && (int)i < nlines - HEAD_LINES - 1; i++)
			line(help[i], cols, false);
		nrows = 0;
	}
	for (size_t i = 0; i < nrows && (int)i < nlines - HEAD_LINES - 1; i++) {
		pfx_top_fmt_row(buf, sizeof(buf), t, &rows[i], ui->view);
		line(buf, cols, false);
	}
	puts_raw("\033[J");
	if (ui->editing) {
		/* The prompt on the last line, where top puts its own. */
		snprintf(buf, sizeof(buf), "\033[%d;1Hfilter (command, user or cgroup; Enter, Esc): %s",
			 nlines, ui->edit);
		puts_raw(buf);
		puts_raw("\033[K");
	}
	flush_screen();
}
