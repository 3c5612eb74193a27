/* SPDX-License-Identifier: GPL-2.0-or-later */
/* opts: getopt_long() driven by a subcommand's option table, and the
 * table's --help list (opts.h). */
#include "config.h"
#include "cmd.h"
#include "opts.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* getopt_long() hands back long options as this plus their table index,
 * so two spellings of one id (--all, --all-cpus) stay apart. */
#define LONG_BASE 0x10000

static bool is_option(const struct pfx_opt *o)
{
	return !(o->flags & PFX_OPT_ARGS);
}

void pfx_opts_begin(struct pfx_opts *p, const char *command, const struct pfx_opt *table,
		    const char *order, int argc, char **argv)
{
	size_t n = 0, len;

	memset(p, 0, sizeof(*p));
	p->command = command;
	p->table = table;
	p->argc = argc;
	p->argv = argv;
	/* order, then ':' so a missing value is told from an unknown option */
	len = (size_t)snprintf(p->optstring, sizeof(p->optstring), "%s:", order);
	for (size_t i = 0; table[i].id || table[i].flags; i++) {
		const struct pfx_opt *o = &table[i];

		if (!is_option(o))
			continue;
		/* a table too long for the arrays is pfx's bug, not the user's */
		if (n >= PFX_OPTS_MAX || len + 3 >= sizeof(p->optstring)) {
			pfx_err("the option table of '%s' is over %d entries; raise PFX_OPTS_MAX",
				command, PFX_OPTS_MAX);
			abort();
		}
		if (o->letter) {
			p->optstring[len++] = o->letter;
			/* an optional value is the long option's only
			 * (perf's -g and --call-graph[=MODE]) */
			if (o->arg && !(o->flags & PFX_OPT_OPTIONAL))
				p->optstring[len++] = ':';
			p->optstring[len] = '\0';
		}
		if (o->name)
			p->longopts[n++] = (struct option){
				.name = o->name,
				.has_arg = !o->arg ? no_argument
					   : (o->flags & PFX_OPT_OPTIONAL) ? optional_argument
					   : required_argument,
				.val = LONG_BASE + (int)i,
			};
	}
	p->longopts[n] = (struct option){ 0 };
	opterr = 0;
	optind = 1;
}

static const struct pfx_opt *find_letter(const struct pfx_opt *table, int letter)
{
	for (size_t i = 0; table[i].id || table[i].flags; i++)
		if (is_option(&table[i]) && table[i].letter == letter)
			return &table[i];
	return NULL;
}

const char *pfx_opts_spelling(const struct pfx_opts *p, char *buf, size_t size)
{
	if (!p->last)
		snprintf(buf, size, "?");
	else if (p->spelled_long)
		snprintf(buf, size, "--%s", p->last->name);
	else
		snprintf(buf, size, "-%c", p->last->letter);
	return buf;
}

int pfx_opts_next(struct pfx_opts *p)
{
	const struct pfx_opt *o;
	int c = getopt_long(p->argc, p->argv, p->optstring, p->longopts, NULL);
	char spelled[64];

	p->value = optarg;
	p->last = NULL;
	if (c == -1 || c == PFX_OPT_POSITIONAL)
		return c;
	if (c == ':' || c == '?') {
		p->bad_letter = optopt;
		p->bad_word = p->argv[optind - 1];
		return c;
	}
	p->spelled_long = c >= LONG_BASE;
	o = p->spelled_long ? &p->table[c - LONG_BASE] : find_letter(p->table, c);
	if (!o)
		return '?';	/* not reached: getopt returns only what the table gave it */
	p->last = o;
	if (o->flags & PFX_OPT_IS_OLD)
		pfx_err("note: %s %s is an old spelling, kept for this release; use %s",
			p->command, pfx_opts_spelling(p, spelled, sizeof(spelled)), o->now);
	return o->id;
}

void pfx_opts_refused(const struct pfx_opts *p, int result)
{
	pfx_option_error(p->command, result, p->bad_letter, p->bad_word);
}

/* "-x, --name ARG" as --help shows it; its length. */
static int option_text(const struct pfx_opt *o, char *buf, size_t size)
{
	int len;

	if (o->flags & PFX_OPT_ARGS)
		return snprintf(buf, size, "%s", o->arg);
	if (o->letter && o->name)
		len = snprintf(buf, size, "-%c, --%s", o->letter, o->name);
	else if (o->letter)
		len = snprintf(buf, size, "-%c", o->letter);
	else
		len = snprintf(buf, size, "    --%s", o->name);
	if (o->arg && (o->flags & PFX_OPT_OPTIONAL))
		len += snprintf(buf + len, size - (size_t)len, "[=%s]", o->arg);
	else if (o->arg)
		len += snprintf(buf + len, size - (size_t)len, " %s", o->arg);
	return len;
}

void pfx_opts_help(FILE *fp, const struct pfx_opt *table, int column)
{
	for (size_t i = 0; table[i].id || table[i].flags; i++) {
		const struct pfx_opt *o = &table[i];
		const char *help = o->help ? o->help : "";
		char text[128];
		int len;

		if (o->flags & (PFX_OPT_IS_OLD | PFX_OPT_HIDDEN))
			continue;
		len = 2 + option_text(o, text, sizeof(text));
		fprintf(fp, "  %s", text);
		/* Help from the column; an option that reaches it keeps two
		 * spaces, or puts its help on the next line ('\n' first). */
		if (*help == '\n')
			fprintf(fp, "\n%*s", column, ""), help++;
		else
			fprintf(fp, "%*s", len < column ? column - len : 2, "");
		for (const char *nl; (nl = strchr(help, '\n')); help = nl + 1)
			fprintf(fp, "%.*s\n%*s", (int)(nl - help), help, column, "");
		fprintf(fp, "%s\n", help);
	}
}

bool pfx_opts_takes_value(const struct pfx_opt *table, const char *word)
{
	size_t len;

	if (word[0] != '-' || !word[1])
		return false;
	if (word[1] != '-') {
		const struct pfx_opt *o = find_letter(table, word[1]);

		/* "-I" alone: the next word is its value ("-I5" holds it) */
		return o && o->arg && !(o->flags & PFX_OPT_OPTIONAL) && !word[2];
	}
	if (strchr(word, '='))
		return false;
	len = strlen(word + 2);
	for (size_t i = 0; table[i].id || table[i].flags; i++)
		if (is_option(&table[i]) && table[i].name && table[i].arg &&
		    !(table[i].flags & PFX_OPT_OPTIONAL) && strncmp(table[i].name, word + 2, len) == 0 &&
		    !table[i].name[len])
			return true;
	return false;
}
