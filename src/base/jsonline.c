/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jsonline: key lookup in one line of pfx's JSON output, and the capped
 * line input every JSON chart reads through. */
#include "config.h"
#include "jsonline.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Past the string whose opening quote is at p: the closing quote, or NULL
 * when the text ends first. */
static const char *string_end(const char *p)
{
	for (p++; *p && *p != '"'; p++)
		if (*p == '\\' && p[1])
			p++;
	return *p ? p : NULL;
}

const char *pfx_jl_find(const char *obj, const char *key)
{
	size_t key_len = strlen(key);
	const char *p = obj + strspn(obj, " \t\r\n");
	int depth = 0;

	if (*p != '{')
		return NULL;
	for (; *p; p++) {
		if (*p == '"') {
			const char *end = string_end(p);

			if (!end)
				return NULL;
			/* a key: at the object's own level, followed by ':' */
			if (depth == 1 && (size_t)(end - p - 1) == key_len &&
			    memcmp(p + 1, key, key_len) == 0) {
				const char *v = end + 1 + strspn(end + 1, " \t");

				if (*v == ':')
					return v + 1 + strspn(v + 1, " \t");
			}
			p = end;
		} else if (*p == '{' || *p == '[') {
			depth++;
		} else if ((*p == '}' || *p == ']') && --depth <= 0) {
			return NULL;
		}
	}
	return NULL;
}

int pfx_jl_number(const char *obj, const char *key, double *out)
{
	const char *v = pfx_jl_find(obj, key);
	char *end;
	double d;

	if (!v || strncmp(v, "null", 4) == 0)
		return -ENOENT;
	/* strtod would take "inf", "nan" and hex floats: JSON has none */
	if (!strchr("-0123456789", *v) || v[strspn(v, "-0123456789")] == 'x' ||
	    v[strspn(v, "-0123456789")] == 'X')
		return -EBADMSG;
	d = strtod(v, &end);
	if (end == v || !isfinite(d) || !strchr(",}] \t\r\n", *end))
		return -EBADMSG;
	*out = d;
	return 0;
}

/* A character of a string as a chart may show it: one printable line. */
static char shown(unsigned char c)
{
	return c < 0x20 || c == 0x7f ? ' ' : (char)c;
}

int pfx_jl_string(const char *obj, const char *key, char *buf, size_t size)
{
	const char *v = pfx_jl_find(obj, key);
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	if (!v || *v != '"' || !size)
		return -ENOENT;
	for (v++; *v && *v != '"'; v++) {
		char c = shown((unsigned char)*v);

		if (*v == '\\' && v[1]) {
			v++;
			if (*v == '"' || *v == '\\' || *v == '/') {
				c = *v;
			} else if (*v == 'u') {
				c = '?';	/* not decoded: a chart label needs no more */
				for (int i = 0; i < 4 && v[1] && v[1] != '"'; i++)
					v++;
			} else {
				c = ' ';	/* \n, \t ... */
			}
		}
		if (len + 1 < size)
			buf[len++] = c;
	}
	buf[len] = '\0';
	return 0;
}

bool pfx_jl_is(const char *obj, const char *key, const char *value)
{
	char buf[64];

	return pfx_jl_string(obj, key, buf, sizeof(buf)) == 0 && strcmp(buf, value) == 0;
}

bool pfx_jl_is_true(const char *obj, const char *key)
{
	const char *v = pfx_jl_find(obj, key);

	return v && strncmp(v, "true", 4) == 0 && !isalnum((unsigned char)v[4]);
}

const char *pfx_jl_array(const char *obj, const char *key)
{
	const char *v = pfx_jl_find(obj, key);

	return v && *v == '[' ? v + 1 : NULL;
}

const char *pfx_jl_next_object(const char **cursor)
{
	const char *p = *cursor + strspn(*cursor, " \t\r\n,"), *start = p;
	int depth = 0;

	if (*p != '{')
		return NULL;
	for (; *p; p++) {
		if (*p == '"') {
			p = string_end(p);
			if (!p)
				return NULL;
		} else if (*p == '{' || *p == '[') {
			depth++;
		} else if ((*p == '}' || *p == ']') && --depth == 0) {
			*cursor = p + 1;
			return *p == '}' ? start : NULL;
		}
	}
	return NULL;
}

static ssize_t capped_read(void *cookie, char *buf, size_t size)
{
	struct pfx_jl_input *in = cookie;
	ssize_t n;

	if (in->too_long)
		goto too_long;
	do
		n = read(in->fd, buf, size);
	while (n < 0 && errno == EINTR);
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			in->line_len = 0;
			in->lines++;
		} else if (++in->line_len > PFX_JL_LINE_MAX) {
			in->too_long = true;
			break;
		}
	}
	if (!in->too_long)
		return n;
too_long:
	errno = EFBIG;
	return -1;
}

static int capped_close(void *cookie)
{
	struct pfx_jl_input *in = cookie;

	return close(in->fd);
}

FILE *pfx_jl_open(const char *path, struct pfx_jl_input *in, int *err)
{
	static const cookie_io_functions_t io = { .read = capped_read, .close = capped_close };
	struct stat st;
	FILE *fp;

	in->fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	in->line_len = 0;
	in->lines = 0;
	in->too_long = false;
	if (in->fd < 0) {
		*err = -errno;
		return NULL;
	}
	if (fstat(in->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*err = S_ISDIR(st.st_mode) ? -EISDIR : -EPROTO;
		close(in->fd);
		return NULL;
	}
	fp = fopencookie(in, "r", io);
	if (!fp) {
		*err = -errno;
		close(in->fd);
	}
	return fp;
}
