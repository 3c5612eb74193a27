/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wssfile: a deliberately small reader for 'pfx wss --format json' lines,
 * on the key lookup of jsonline.h. */
#include "config.h"
#include "wssfile.h"
#include "jsonline.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define WSS_MAX_BYTES 72057594037927936.0	/* 2^56: 64 PiB */

/* A number wss writes: present, finite and not negative. */
static int number_value(const char *line, const char *key, double *out)
{
	int err = pfx_jl_number(line, key, out);

	if (!err && *out < 0)
		return -EBADMSG;
	return err;
}

static void string_value(const char *line, const char *key, char *buf, size_t size)
{
	pfx_jl_string(line, key, buf, size);
}

static void parse_header(const char *line, struct pfx_wssfile_header *h)
{
	double v;

	string_value(line, "comm", h->comm, sizeof(h->comm));
	if (number_value(line, "pid", &v) == 0 && v < UINT32_MAX)
		h->pid = (uint32_t)v;
	if (number_value(line, "interval_s", &v) == 0)
		h->interval_s = v;
}

/* 1 = sample, 0 = a line that is valid but no sample, -EBADMSG. */
static int parse_line(char *line, struct pfx_wssfile_sample *s, struct pfx_wssfile_header *h)
{
	char type[16];
	double time_s, wss, rss;
	int err;

	line += strspn(line, " \t\r");
	if (*line == '\n' || *line == '\0')
		return 0;
	if (*line != '{')
		return -EBADMSG;
	/* --by-mapping: per-mapping objects repeat the keys; pfx_jl_find
	 * looks at the sample's own level only */
	string_value(line, "type", type, sizeof(type));
	if (strcmp(type, "header") == 0) {
		if (h)
			parse_header(line, h);
		return 0;
	}
	err = number_value(line, "wss_bytes", &wss);
	if (err == -ENOENT)
		return 0;
	if (err || number_value(line, "time", &time_s))
		return -EBADMSG;
	err = number_value(line, "rss_bytes", &rss);
	if (err && err != -ENOENT)
		return -EBADMSG;
	/* Before the conversion: a double beyond uint64_t has no defined
	 * integer value.  No process has 64 PiB. */
	if (wss > WSS_MAX_BYTES || (!err && rss > WSS_MAX_BYTES))
		return -ERANGE;
	s->time_s = time_s;
	s->wss_bytes = (uint64_t)wss;
	s->has_rss = !err;
	s->rss_bytes = err ? 0 : (uint64_t)rss;
	string_value(line, "method", s->method, sizeof(s->method));
	return 1;
}

int pfx_wssfile_next(FILE *fp, struct pfx_wssfile_sample *sample,
		     struct pfx_wssfile_header *header, unsigned long *line_no)
{
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	while (getline(&line, &cap, fp) >= 0) {
		++*line_no;
		ret = parse_line(line, sample, header);
		if (ret != 0)
			break;
	}
	free(line);
	return ret;
}
