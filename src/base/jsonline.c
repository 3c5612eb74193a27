/* SPDX-License-Identifier: GPL-2.0-or-later */
/* jsonline: key lookup in one line of pfx's JSON output, and the capped
 * line input every JSON chart reads through. */
#include "config.h"
#include "jsonline.h"
#include "util.h"

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

static int hex4(const char *v, unsigned *out)
{
	unsigned cp = 0;

	for (int i = 0; i < 4; i++) {
		int c = (unsigned char)v[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return -1;
		cp = cp << 4 | (unsigned)d;
	}
	*out = cp;
	return 0;
}

/* Put cp in buf as pfx_json_string() wrote it: below U+0100 the byte
 * itself (a control, or a byte of a name that was not UTF-8), above in
 * UTF-8.  How many bytes (0: does not fit). */
static size_t put_code(char *buf, size_t room, unsigned cp)
{
	char u[3];
	size_t n;

	if (cp < 0x100) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	}
	if (n > room)
		return 0;
	memcpy(buf, u, n);
	return n;
}

int pfx_jl_string(const char *obj, const char *key, char *buf, size_t size)
{
	static const char esc_in[] = "nrtbf", esc_out[] = "\n\r\t\b\f";
	const char *v = pfx_jl_find(obj, key);
	size_t len = 0, n;

	if (size)
		buf[0] = '\0';
	if (!v || *v != '"' || !size)
		return -ENOENT;
	for (v++; *v && *v != '"'; v++) {
		unsigned cp = (unsigned char)*v;

		if (*v == '\\' && v[1]) {
			const char *e;

			v++;
			cp = (unsigned char)*v;
			if ((e = strchr(esc_in, *v)) && *v) {
				cp = (unsigned char)esc_out[e - esc_in];
			} else if (*v == 'u') {
				/* A surrogate or NUL is no name's: '?'. */
				if (hex4(v + 1, &cp) == 0)
					v += 4;
				if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff))
					cp = '?';
			}
		}
		n = put_code(buf + len, size - 1 - len, cp);
		if (!n)
			break;	/* full: cut there */
		len += n;
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
	FILE *fp;

	/* Checked a regular file before it is opened: a device or FIFO named
	 * (or linked) there is never opened. */
	in->fd = pfx_open_regular(path, NULL);
	in->line_len = 0;
	in->lines = 0;
	in->too_long = false;
	if (in->fd < 0) {
		*err = in->fd == -EINVAL ? -EPROTO : in->fd;
		return NULL;
	}
	fp = fopencookie(in, "r", io);
	if (!fp) {
		*err = -errno;
		close(in->fd);
	}
	return fp;
}
