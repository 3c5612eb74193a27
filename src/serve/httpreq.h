/* SPDX-License-Identifier: GPL-2.0-or-later */
/* httpreq: the parser of one HTTP/1.x request head, a pure function of
 * the bytes a client sent (no socket, no allocation, no state), so the
 * server (serve.c) and its fuzz harness (tests/fuzz/fuzz-http.c) run the
 * same code.
 *
 * It is strict where RFC 9112 lets a server be, so that nothing in front
 * of pfx (a proxy) and pfx can frame the same bytes two ways: pfx serve
 * takes no request body, so a request announcing one (Content-Length
 * other than 0, any Transfer-Encoding) is refused, never read past; so
 * are two Content-Length or Host fields, obs-fold (a line starting with
 * a space or tab), a bare CR, control bytes, a space before a field's
 * colon, and an HTTP/1.1 request without Host.  Lines may end in LF
 * alone (RFC 9112 2.2); empty lines before the request line are skipped. */
#ifndef PFX_HTTPREQ_H
#define PFX_HTTPREQ_H

#include <stdbool.h>
#include <stddef.h>

/* The longest head taken, leading empty lines included. */
enum { PFX_HTTPREQ_HEAD_MAX = 8192 };

/* POST: pfx serve's POST /flight, which takes no body either */
enum pfx_httpreq_method { PFX_HTTPREQ_GET, PFX_HTTPREQ_HEAD, PFX_HTTPREQ_OTHER, PFX_HTTPREQ_POST };

struct pfx_httpreq {
	size_t head_len;	/* the bytes of this head: the next request starts there */
	int status;		/* 0: a request to answer; else the status to refuse
				 * it with (400, 413, 431), after which the connection
				 * must close: what follows cannot be framed */
	const char *why;	/* with status: what was wrong, one short line */
	enum pfx_httpreq_method method;
	/* The target's path (origin form, or the path of an absolute form;
	 * "*" for the asterisk form), without query; points into the bytes. */
	const char *path;
	size_t path_len;
	/* The target's query, after '?' and before any '#', as sent (not
	 * decoded); NULL when there is no '?'.  Points into the bytes. */
	const char *query;
	size_t query_len;
	/* The first Accept field's value, without surrounding blanks; NULL
	 * when there is none.  Points into the bytes. */
	const char *accept;
	size_t accept_len;
	bool keep_alive;	/* HTTP/1.1 unless "Connection: close"; HTTP/1.0
				 * only with "Connection: keep-alive" */
};

/* Parse the request head at the start of buf[0, len).  1: a whole head
 * (req filled; req->status says whether to answer it or refuse it), also
 * when PFX_HTTPREQ_HEAD_MAX bytes hold no whole head (status 431); 0: not
 * whole yet, more bytes may complete it (req untouched). */
int pfx_httpreq_parse(const char *buf, size_t len, struct pfx_httpreq *req);

/* The value of the parameter name in a query ("a=1&b=2"), as sent (not
 * percent-decoded; pfx's parameters are plain words and numbers): 1 and
 * *value, *value_len (an empty value for "name" without '='); 0 when it
 * is not there; -1 when it is there twice.  Pure, like the parser. */
int pfx_httpreq_param(const char *query, size_t len, const char *name, const char **value,
		      size_t *value_len);

#endif
