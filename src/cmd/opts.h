/* SPDX-License-Identifier: GPL-2.0-or-later */
/* opts: one option table per subcommand, in git's parse-options manner.
 * Each option is declared once (letter, long name, value name, help
 * text); getopt_long()'s optstring and long options are made from the
 * table, and so is the option list of --help.  The command's own switch
 * handles what pfx_opts_next() returns.
 *
 * An old spelling (PFX_OPT_OLD) is parsed as the option it names and
 * says once on stderr what replaces it; it is not in --help.  A hidden
 * option (PFX_OPT_HIDDEN, e.g. a test's --root) is parsed, never shown.
 * tests/t-cli.sh holds each man page to what --help lists. */
#ifndef PFX_OPTS_H
#define PFX_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

enum {
	PFX_OPT_OPTIONAL = 1u << 0,	/* --name[=VALUE]; the letter takes none (perf's -g) */
	PFX_OPT_HIDDEN = 1u << 1,	/* parsed, not in --help */
	PFX_OPT_IS_OLD = 1u << 2,	/* an old spelling: parsed with a note, not in --help */
	PFX_OPT_ARGS = 1u << 3,		/* not an option: the positional arguments' line in --help */
};

/* ids a command gives its long-only options start here (above any letter) */
#define PFX_OPT_ID_LONG 256
/* what pfx_opts_next() returns for a positional argument in "-" order */
#define PFX_OPT_POSITIONAL 1

struct pfx_opt {
	int id;			/* returned by pfx_opts_next(): the letter, or >= PFX_OPT_ID_LONG */
	char letter;		/* -x; 0: none */
	const char *name;	/* --name; NULL: none */
	const char *arg;	/* the value's name in --help ("PID[,PID...]"); NULL: a flag */
	const char *help;	/* lines joined by '\n'; a leading '\n' starts it under the option */
	unsigned flags;
	const char *now;	/* PFX_OPT_IS_OLD: what replaces it, for the note ("-I MSEC") */
};

/* -x, --name [ARG]: help (letter is the id) */
#define PFX_OPT(x, name, arg, help) { (x), (x), (name), (arg), (help), 0, NULL }
/* --name [ARG]: help */
#define PFX_OPT_LONG(id, name, arg, help) { (id), 0, (name), (arg), (help), 0, NULL }
/* an old spelling of option id: -x (0: none) or --name (NULL: none) */
#define PFX_OPT_OLD(id, x, name, arg, now) { (id), (x), (name), (arg), NULL, PFX_OPT_IS_OLD, (now) }
/* parsed, never shown */
#define PFX_OPT_SECRET(id, name, arg) { (id), 0, (name), (arg), NULL, PFX_OPT_HIDDEN, NULL }
/* the line of --help for the positional arguments ("INTERVAL [COUNT]") */
#define PFX_OPT_POSITIONALS(words, help) { 0, 0, NULL, (words), (help), PFX_OPT_ARGS, NULL }
#define PFX_OPT_END { 0, 0, NULL, NULL, NULL, 0, NULL }

/* The most options a table holds (getopt's long options are built in place). */
#define PFX_OPTS_MAX 48

struct pfx_opts {
	const char *command;		/* "stat": for messages */
	const struct pfx_opt *table;
	int argc;
	char **argv;
	char optstring[2 * PFX_OPTS_MAX + 4];
	struct option longopts[PFX_OPTS_MAX + 1];
	const char *value;		/* the value of the option just returned (NULL: none) */
	int bad_letter;			/* after ':' or '?': getopt's optopt */
	const char *bad_word;		/* after ':' or '?': the word refused */
	const struct pfx_opt *last;	/* the entry just returned */
	bool spelled_long;		/* ... given as --name, not -x */
};

/* Start parsing argv with table.  order: "" (options anywhere, positionals
 * left at the end), "+" (stop at the first positional: a command to run)
 * or "-" (positionals returned in order as PFX_OPT_POSITIONAL).  Resets
 * getopt (optind = 1).  A table over PFX_OPTS_MAX aborts (pfx's bug). */
void pfx_opts_begin(struct pfx_opts *p, const char *command, const struct pfx_opt *table,
		    const char *order, int argc, char **argv);
/* The next option's id (its value in p->value), PFX_OPT_POSITIONAL, -1 at
 * the end (optind: the first word not parsed), or ':' (a value missing)
 * and '?' (unknown) with p->bad_letter and p->bad_word set.  An old
 * spelling prints its note (one line on stderr) and returns its id. */
int pfx_opts_next(struct pfx_opts *p);
/* The one-line error for ':' or '?' (pfx_option_error of cmd.h). */
void pfx_opts_refused(const struct pfx_opts *p, int result);
/* How the option just returned was spelled ("-I", "--interval"). */
const char *pfx_opts_spelling(const struct pfx_opts *p, char *buf, size_t size);
/* Is word an option of table whose value is the next word ("-p", "--pid",
 * not "--pid=1")?  For commands that look at argv before getopt does. */
bool pfx_opts_takes_value(const struct pfx_opt *table, const char *word);
/* The option list of --help: "  -x, --name ARG", help from column (2
 * spaces when the option is longer); PFX_OPT_IS_OLD and PFX_OPT_HIDDEN
 * entries left out. */
void pfx_opts_help(FILE *fp, const struct pfx_opt *table, int column);

#endif
