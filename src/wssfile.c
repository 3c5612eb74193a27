/* wssfile: a deliberately small reader for 'pfx wss --format json' lines:
 * flat objects with number and string values, which is all wss writes. */
#include "config.h"
#include "wssfile.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Where the value of "key" starts in a flat JSON object, or NULL. */
static const char *find_value(const char *line, const char *key)
{
	size_t key_len = strlen(key);
	const char *p = line;

	while ((p = strchr(p, '"'))) {
		const char *v = p + 1 + key_len;

		if (strncmp(p + 1, key, key_len) == 0 && *v == '"') {
			v++;
			v += strspn(v, " \t");
			if (*v == ':')
				return v + 1 + strspn(v + 1, " \t");
		}
		p++;
	}
	return NULL;
}

static int number_value(const char *line, const char *key, double *out)
{
	const char *v = find_value(line, key);
	char *end;
	double d;

	if (!v)
		return -ENOENT;
	d = strtod(v, &end);
	if (end == v || !isfinite(d) || d < 0 || !strchr(",} \t\r\n", *end))
		return -EBADMSG;
	*out = d;
	return 0;
}

static void string_value(const char *line, const char *key, char *buf, size_t size)
{
	const char *v = find_value(line, key);
	size_t len;

	buf[0] = '\0';
	if (!v || *v != '"')
		return;
	v++;
	len = strcspn(v, "\"\\");
	if (len >= size)
		len = size - 1;
	memcpy(buf, v, len);
	buf[len] = '\0';
}

/* 1 = sample, 0 = a line that is valid but no sample, -EBADMSG. */
static int parse_line(const char *line, struct pfx_wssfile_sample *s)
{
	double time_s, wss, rss;
	int err;

	line += strspn(line, " \t\r");
	if (*line == '\n' || *line == '\0')
		return 0;
	if (*line != '{')
		return -EBADMSG;
	err = number_value(line, "wss_bytes", &wss);
	if (err == -ENOENT)
		return 0;
	if (err || number_value(line, "time", &time_s))
		return -EBADMSG;
	err = number_value(line, "rss_bytes", &rss);
	if (err && err != -ENOENT)
		return -EBADMSG;
	s->time_s = time_s;
	s->wss_bytes = (uint64_t)wss;
	s->has_rss = !err;
	s->rss_bytes = err ? 0 : (uint64_t)rss;
	string_value(line, "method", s->method, sizeof(s->method));
	return 1;
}

int pfx_wssfile_next(FILE *fp, struct pfx_wssfile_sample *sample, unsigned long *line_no)
{
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	while (getline(&line, &cap, fp) >= 0) {
		++*line_no;
		ret = parse_line(line, sample);
		if (ret != 0)
			break;
	}
	free(line);
	return ret;
}
