/* SPDX-License-Identifier: GPL-2.0-or-later */
/* serve: the small HTTP/1.1 server of 'pfx serve'.  One thread, poll() over
 * non-blocking sockets: a client that sends slowly, sends nothing or does
 * not read its answer holds only its own slot, never the caller's loop.
 * Each client has a deadline (timeout_s from its connection, its last
 * request or its answer; at most 2 s for its first byte); a request's
 * head is at most 8 KiB (httpreq.h parses it).
 *
 * At most max_clients are served at once.  Clients are grouped by owner:
 * the uid of the other end when it is a socket of this host (sockdiag.h;
 * on loopback every client has the same address), else its address.
 * When the slots are full, a newcomer takes the slot of a client that has
 * sent nothing yet (else of one idle between requests) of the owner
 * holding the most slots, its oldest; a client that has sent a request or
 * part of one, or is being answered, is never dropped for another.  An
 * owner may hold at most half the slots with clients that have spoken.
 * So one user's flood of connections, silent or not, cannot lock
 * another's scraper out.
 *
 * GET or HEAD of the path answers with what the handler gives; "/" with a
 * short page naming the path; a slow path (below) with what its start or
 * poll gives, or 403 to a peer not on loopback where the path is for
 * loopback only; other paths 404, other methods 405 (with Allow), malformed requests 400, requests with a body 413, too long
 * heads 431: every refusal closes the connection.  Connections stay open
 * (HTTP/1.1 keep-alive) unless the client says otherwise; pipelined
 * requests are all answered, in turn (reading pauses while an answer is
 * sent).  Nothing here knows what the body is. */
#ifndef PFX_SERVE_H
#define PFX_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pfx_http_body {
	const char *data;		/* the handler's; copied before it returns */
	size_t len;
	const char *content_type;
};

/* Fill body for one request; accept is its Accept header (NULL: none).
 * 0, or -errno: the client gets 500. */
typedef int (*pfx_http_handler)(void *ctx, const char *accept, struct pfx_http_body *body);

/* An answer of the slow path's handler. */
struct pfx_http_reply {
	int status;			/* 200, 400, 429, ... */
	const char *content_type;
	const char *headers;		/* more header lines, each ending in CRLF, or NULL */
	const char *data;		/* copied before the handler's next call */
	size_t len;
};

/* A slow path (struct pfx_http_slow): start with the request's query (as sent,
 * NULL: none).  0: *reply is the answer; 1: it comes later, from poll;
 * -errno: the client gets 500. */
typedef int (*pfx_http_start_fn)(void *ctx, const char *query, size_t query_len,
				 struct pfx_http_reply *reply);
/* 1: *reply is the answer started; 0: not yet. */
typedef int (*pfx_http_poll_fn)(void *ctx, struct pfx_http_reply *reply);

/* A path whose answer may take its time (a profile, a flight dump).  Its
 * client waits (no deadline, not read) while the loop serves the others;
 * one at a time per path (start answers the rest itself, e.g. 429). */
struct pfx_http_slow {
	const char *path;		/* NULL: none */
	bool post;			/* answers POST (GET and HEAD get 405), else GET and HEAD */
	bool loopback_only;		/* a peer not on loopback gets 403 */
	pfx_http_start_fn start;
	pfx_http_poll_fn poll;
};

enum { PFX_HTTP_SLOW_MAX = 2 };

struct pfx_http_opts {
	const char *listen;		/* ADDR:PORT, [ADDR]:PORT, :PORT (every address) or PORT */
	const char *path;		/* the one path served, e.g. "/metrics" */
	double timeout_s;		/* per client */
	size_t max_clients;
	pfx_http_handler handler;
	void *ctx;			/* the handler's and the slow paths' */
	struct pfx_http_slow slow[PFX_HTTP_SLOW_MAX];	/* optional */
};

enum { PFX_HTTP_HOST_MAX = 256 };

/* Split a listen address into host ("" for every address) and port.
 * 0 or -EINVAL. */
int pfx_http_parse_listen(const char *s, char *host, size_t host_size, uint16_t *port);

/* Is the address 127.0.0.0/8, ::1 or ::ffff:127.x.y.z? */
struct sockaddr_storage;
bool pfx_http_is_loopback(const struct sockaddr_storage *sa);

struct pfx_http;

/* Listen.  0, -EINVAL (a malformed address), -ENXIO (a host name that
 * resolves to nothing; *gai_error says why), or -errno of socket/bind. */
int pfx_http_open(struct pfx_http **out, const struct pfx_http_opts *opts, const char **gai_error);
/* The i-th address bound, "127.0.0.1:9456" or "[::1]:9456" (the port
 * picked by the kernel when asked for 0); NULL past the last. */
const char *pfx_http_address(const struct pfx_http *h, size_t i);
/* Is one of them every address of the host (0.0.0.0 or ::)? */
bool pfx_http_every_address(const struct pfx_http *h);
/* Wait up to timeout_ms (less when a client's deadline comes first, at
 * most 50 ms while a slow answer is awaited) and serve what is ready.  0 (also when a signal cut the wait short) or
 * -errno of poll. */
int pfx_http_step(struct pfx_http *h, int timeout_ms);
struct pfx_http_counts {
	uint64_t ok, client_err, server_err;	/* requests answered by status class */
	uint64_t accepted;	/* connections taken */
	uint64_t evicted;	/* idle clients dropped to make room for new ones */
	uint64_t refused;	/* clients closed at once: no slot to take, or their
				 * owner held half the slots already */
};
void pfx_http_counts(const struct pfx_http *h, struct pfx_http_counts *out);
void pfx_http_close(struct pfx_http *h);

#endif
