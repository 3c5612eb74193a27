/* SPDX-License-Identifier: GPL-2.0-or-later */
/* httpreq: one HTTP/1.x request head parsed, strictly; see httpreq.h. */
#include "config.h"
#include "httpreq.h"

#include <string.h>
#include <strings.h>

/* RFC 9110 5.6.2: the characters of a token (method, field name). */
static bool is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* A field value's bytes: visible ASCII, blanks, obs-text; no controls. */
static bool is_field_byte(unsigned char c)
{
	return c == '\t' || (c >= ' ' && c != 0x7f);
}

/* A Host value's bytes (RFC 3986 reg-name, IP literal, port). */
static bool is_host_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("-._~!$&'()*+;=:[]%", c));
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int refuse(struct pfx_httpreq *req, size_t head_len, int status, const char *why)
{
	memset(req, 0, sizeof(*req));
	req->head_len = head_len;
	req->status = status;
	req->why = why;
	return 1;
}

static bool name_is(const char *s, size_t len, const char *name)
{
	return len == strlen(name) && strncasecmp(s, name, len) == 0;
}

/* The request line [s, e): method SP target SP version, one space each.
 * 0, or the status (why set) to refuse it with. */
static int parse_request_line(const char *s, const char *e, struct pfx_httpreq *req,
			      bool *http11, const char **target, size_t *target_len,
			      const char **why)
{
	const char *m = s, *t, *v;

	while (s < e && is_tchar((unsigned char)*s))
		s++;
	if (s == m || s == e || *s != ' ') {
		*why = "bad request line";
		return 400;
	}
	/* methods are case-sensitive (RFC 9110 9.1) */
	req->method = s - m == 3 && !memcmp(m, "GET", 3)    ? PFX_HTTPREQ_GET
		      : s - m == 4 && !memcmp(m, "HEAD", 4) ? PFX_HTTPREQ_HEAD
		      : s - m == 4 && !memcmp(m, "POST", 4) ? PFX_HTTPREQ_POST
							    : PFX_HTTPREQ_OTHER;
	t = ++s;
	while (s < e && (unsigned char)*s > ' ' && (unsigned char)*s < 0x7f)
		s++;
	if (s == t || s == e || *s != ' ') {
		*why = "bad request line";
		return 400;
	}
	*target = t;
	*target_len = (size_t)(s - t);
	v = ++s;
	if (e - v != 8 || memcmp(v, "HTTP/1.", 7) != 0 || (v[7] != '0' && v[7] != '1')) {
		*why = "bad request line (pfx serve speaks HTTP/1.0 and HTTP/1.1)";
		return 400;
	}
	*http11 = v[7] == '1';
	return 0;
}

/* The query of a target's rest t[0, len) that starts with '?', up to a
 * fragment ('#'); none otherwise. */
static void target_query(const char *t, size_t len, struct pfx_httpreq *req)
{
	if (len == 0 || t[0] != '?')
		return;
	req->query = t + 1;
	req->query_len = 0;
	while (req->query_len < len - 1 && t[1 + req->query_len] != '#')
		req->query_len++;
}

/* The path of the target: origin form "/p?q", absolute form
 * "http://host/p?q" (path "/" when it has none), or "*"; and its query.
 * 0 or 400. */
static int target_path(const char *t, size_t len, struct pfx_httpreq *req)
{
	size_t skip = 0;

	if (len >= 7 && strncasecmp(t, "http://", 7) == 0)
		skip = 7;
	else if (len >= 8 && strncasecmp(t, "https://", 8) == 0)
		skip = 8;
	if (skip) {
		size_t i = skip;

		while (i < len && t[i] != '/' && t[i] != '?' && t[i] != '#')
			i++;
		if (i == skip)
			return 400;	/* no host */
		if (i == len || t[i] != '/') {
			req->path = "/";
			req->path_len = 1;
			target_query(t + i, len - i, req);
			return 0;
		}
		t += i;
		len -= i;
	} else if (!(len == 1 && t[0] == '*') && t[0] != '/') {
		return 400;	/* authority form, or nothing pfx serves */
	}
	req->path = t;
	req->path_len = 0;
	while (req->path_len < len && t[req->path_len] != '?' && t[req->path_len] != '#')
		req->path_len++;
	target_query(t + req->path_len, len - req->path_len, req);
	return 0;
}

/* Connection: a list of tokens; close and keep-alive matter. */
static void connection_options(const char *v, const char *e, bool *close, bool *keep)
{
	while (v < e) {
		const char *c = memchr(v, ',', (size_t)(e - v)), *w;

		if (!c)
			c = e;
		w = c;
		while (v < w && is_blank(*v))
			v++;
		while (w > v && is_blank(w[-1]))
			w--;
		if (name_is(v, (size_t)(w - v), "close"))
			*close = true;
		else if (name_is(v, (size_t)(w - v), "keep-alive"))
			*keep = true;
		v = c + 1;
	}
}

int pfx_httpreq_parse(const char *buf, size_t len, struct pfx_httpreq *req)
{
	size_t lim = len < PFX_HTTPREQ_HEAD_MAX ? len : PFX_HTTPREQ_HEAD_MAX;
	size_t pos = 0, end = 0;
	struct pfx_httpreq r = { 0 };
	const char *target = NULL, *why = NULL, *line, *p, *stop;
	size_t target_len = 0;
	bool http11 = false, close = false, keep = false, te = false, body = false;
	int hosts = 0, lengths = 0, status;

	/* empty lines before the request line (RFC 9112 2.2) */
	for (;;) {
		if (pos < lim && buf[pos] == '\n')
			pos++;
		else if (pos + 1 < lim && buf[pos] == '\r' && buf[pos + 1] == '\n')
			pos += 2;
		else
			break;
	}
	/* the head ends at an empty line */
	for (size_t i = pos; i < lim && !end; i++) {
		if (buf[i] != '\n')
			continue;
		if (i + 1 < lim && buf[i + 1] == '\n')
			end = i + 2;
		else if (i + 2 < lim && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			end = i + 3;
	}
	if (!end) {
		if (len < PFX_HTTPREQ_HEAD_MAX)
			return 0;
		return refuse(req, lim, 431, "request head over 8 KiB");
	}
	/* every line of the head, the request line first; stop is the end
	 * of a line's content (before CR LF or LF) */
	line = buf + pos;
	for (int n = 0;; n++) {
		const char *lf = memchr(line, '\n', (size_t)(buf + end - line));

		stop = lf > line && lf[-1] == '\r' ? lf - 1 : lf;
		if (memchr(line, '\r', (size_t)(stop - line)))
			return refuse(req, end, 400, "bare CR in the request head");
		if (stop == line)
			break;	/* the empty line */
		if (n == 0) {
			status = parse_request_line(line, stop, &r, &http11, &target, &target_len, &why);
			if (status)
				return refuse(req, end, status, why);
		} else {
			const char *name = line, *v, *ve;

			if (is_blank(*line))
				return refuse(req, end, 400, "folded header line (obs-fold)");
			for (p = line; p < stop && is_tchar((unsigned char)*p); p++)
				;
			if (p == name || p == stop || *p != ':')
				return refuse(req, end, 400, "bad header line");
			for (v = p + 1; v < stop; v++)
				if (!is_field_byte((unsigned char)*v))
					return refuse(req, end, 400, "control byte in a header");
			v = p + 1;
			ve = stop;
			while (v < ve && is_blank(*v))
				v++;
			while (ve > v && is_blank(ve[-1]))
				ve--;
			if (name_is(name, (size_t)(p - name), "Content-Length")) {
				if (++lengths > 1)
					return refuse(req, end, 400, "more than one Content-Length");
				if (v == ve)
					return refuse(req, end, 400, "bad Content-Length");
				for (const char *d = v; d < ve; d++) {
					if (*d < '0' || *d > '9')
						return refuse(req, end, 400, "bad Content-Length");
					body |= *d != '0';
				}
			} else if (name_is(name, (size_t)(p - name), "Transfer-Encoding")) {
				te = true;
			} else if (name_is(name, (size_t)(p - name), "Host")) {
				if (++hosts > 1)
					return refuse(req, end, 400, "more than one Host");
				for (const char *h = v; h < ve; h++)
					if (!is_host_byte((unsigned char)*h))
						return refuse(req, end, 400, "bad Host");
			} else if (name_is(name, (size_t)(p - name), "Connection")) {
				connection_options(v, ve, &close, &keep);
			} else if (name_is(name, (size_t)(p - name), "Accept") && !r.accept) {
				r.accept = v;
				r.accept_len = (size_t)(ve - v);
			}
		}
		line = lf + 1;
	}
	if (te && (lengths || !http11))
		return refuse(req, end, 400, "Transfer-Encoding with Content-Length or HTTP/1.0");
	if (te || body)
		return refuse(req, end, 413, "pfx serve takes no request body");
	if (http11 && !hosts)
		return refuse(req, end, 400, "no Host field (HTTP/1.1 needs one)");
	if (target_path(target, target_len, &r))
		return refuse(req, end, 400, "bad request target");
	r.head_len = end;
	r.keep_alive = http11 ? !close : keep && !close;
	*req = r;
	return 1;
}

int pfx_httpreq_param(const char *query, size_t len, const char *name, const char **value,
		      size_t *value_len)
{
	size_t nlen = strlen(name);
	int found = 0;

	for (size_t i = 0; query && i <= len;) {
		size_t end = i, eq;

		while (end < len && query[end] != '&')
			end++;
		for (eq = i; eq < end && query[eq] != '='; eq++)
			;
		if (eq - i == nlen && memcmp(query + i, name, nlen) == 0) {
			if (found)
				return -1;	/* twice: which one was meant? */
			found = 1;
			*value = eq < end ? query + eq + 1 : query + end;
			*value_len = eq < end ? end - eq - 1 : 0;
		}
		i = end + 1;
	}
	return found;
}
