/* SPDX-License-Identifier: GPL-2.0-or-later */
/* serve: a poll() HTTP/1.1 server for one path; see serve.h. */
#include "config.h"
#include "serve.h"
#include "httpreq.h"
#include "sockdiag.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

enum {
	MAX_LISTEN = 4,
	ADDR_MAX = PFX_HTTP_HOST_MAX + 16,
	ACCEPT_BATCH = 64,	/* accepts per listener and step: a flood of
				 * connections cannot keep the loop from the clients */
	ROUNDS = 16,		/* pipelined answers per client and step, likewise */
};
#define NO_SLOT ((size_t)-1)
#define FIRST_BYTE_NS 2000000000ull	/* a new client's first byte, at most */

struct client {
	int fd;
	size_t owner;			/* its entry in owners[] */
	char in[PFX_HTTPREQ_HEAD_MAX];
	size_t in_len;
	char *out;			/* the answer being sent */
	size_t out_len, out_off;
	bool spoke;			/* it has sent a byte */
	bool writing;
	bool more;			/* answered ROUNDS requests in one step: more may
					 * be waiting in in[], served at the next step */
	bool close_after;		/* close once the answer is sent */
	bool eof;			/* the client sent all it will */
	bool waiting;			/* for a slow path's answer */
	size_t slow;			/* ... that of slow[slow] */
	bool loopback;			/* the peer's address is loopback */
	bool head_only;			/* ... to a HEAD */
	bool draining;			/* answered and shut down for writing: reading what
					 * it still sends, so that closing sends no reset
					 * ahead of the answer */
	uint64_t accepted_ns, deadline_ns;
};

/* The clients of one owner (a uid, or an address): the key is the uid
 * with bit 62 set, an IPv4 address with bit 63 set, a hash of an IPv6
 * address with both. */
struct owner {
	uint64_t key;
	size_t total;			/* its clients; 0: the entry is free */
	size_t spoke;			/* those that have sent a byte */
};

struct pfx_http {
	struct pfx_http_opts opts;
	int lfd[MAX_LISTEN];
	size_t nlfd;
	struct sockaddr_storage lsa[MAX_LISTEN];	/* each listener's address */
	bool lany[MAX_LISTEN];		/* on 0.0.0.0 or :: */
	char address[MAX_LISTEN][ADDR_MAX];
	bool every_address;		/* one listener is */
	int diagfd;			/* sockdiag's netlink socket, or -1 */
	struct client **clients;	/* max_clients slots, NULL: free */
	size_t nclients;
	struct owner *owners;		/* max_clients entries: at most one per client */
	struct pollfd *pfd;
	size_t *pfd_slot;		/* the client slot of each pollfd (NO_SLOT - 1 - i:
					 * listener i) */
	uint64_t timeout_ns;
	uint64_t accept_pause_ns;	/* out of descriptors: listeners rest until then */
	struct pfx_http_counts counts;
	char accept[PFX_HTTPREQ_HEAD_MAX + 1];	/* the Accept value handed to the handler */
	struct client *waiting[PFX_HTTP_SLOW_MAX];	/* the client awaiting each slow
							 * path's answer, or NULL */
};

/* ---- the address ------------------------------------------------------ */

static int parse_port(const char *s, uint16_t *port)
{
	int v;

	if (!*s || strspn(s, "0123456789") != strlen(s) || pfx_parse_int(s, 0, 65535, &v))
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

int pfx_http_parse_listen(const char *s, char *host, size_t host_size, uint16_t *port)
{
	const char *colon;
	size_t len;

	if (!s || !*s || strpbrk(s, " \t\n/"))
		return -EINVAL;
	if (strspn(s, "0123456789") == strlen(s)) {
		/* a port alone: loopback, as the default */
		snprintf(host, host_size, "127.0.0.1");
		return parse_port(s, port);
	}
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':' || close == s + 1)
			return -EINVAL;
		len = (size_t)(close - s - 1);
		if (len >= host_size)
			return -EINVAL;
		memcpy(host, s + 1, len);
		host[len] = '\0';
		return parse_port(close + 2, port);
	}
	colon = strrchr(s, ':');
	if (!colon || memchr(s, ':', (size_t)(colon - s)))
		return -EINVAL;	/* no port, or an IPv6 address without [ ] */
	len = (size_t)(colon - s);
	if (len >= host_size)
		return -EINVAL;
	memcpy(host, s, len);
	host[len] = '\0';
	return parse_port(colon + 1, port);
}

static void format_address(const struct sockaddr_storage *sa, char *out, size_t size)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (sa->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		snprintf(out, size, "[%s]:%u", ip, (unsigned)ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		snprintf(out, size, "%s:%u", ip, (unsigned)ntohs(s4->sin_port));
	}
}

bool pfx_http_is_loopback(const struct sockaddr_storage *sa)
{
	if (sa->ss_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a))
			return a->s6_addr[12] == 127;
		return IN6_IS_ADDR_LOOPBACK(a);
	}
	return sa->ss_family == AF_INET &&
	       (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
}

static bool is_any(const struct sockaddr_storage *sa)
{
	if (sa->ss_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)sa)->sin6_addr);
	return ((const struct sockaddr_in *)sa)->sin_addr.s_addr == htonl(INADDR_ANY);
}

static void set_port(struct sockaddr *sa, uint16_t port)
{
	if (sa->sa_family == AF_INET6)
		((struct sockaddr_in6 *)sa)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)sa)->sin_port = htons(port);
}

/* One listening socket on ai (port forced when nonzero: every address of a
 * name gets the port the first one was given). fd or -errno. */
static int listen_on(const struct addrinfo *ai, uint16_t port)
{
	struct sockaddr_storage sa;
	int one = 1, fd, err;

	memcpy(&sa, ai->ai_addr, ai->ai_addrlen);
	if (port)
		set_port((struct sockaddr *)&sa, port);
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* "::" and "0.0.0.0" side by side: each takes only its own family */
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	/* a long backlog: under a flood of connections a scraper's waits its
	 * turn there, where a full one would drop its SYN (and its connect
	 * would retry only after a second) */
	if (bind(fd, (struct sockaddr *)&sa, ai->ai_addrlen) < 0 || listen(fd, SOMAXCONN) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int pfx_http_open(struct pfx_http **out, const struct pfx_http_opts *opts, const char **gai_error)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV | AI_ADDRCONFIG };
	struct addrinfo *res = NULL;
	char host[PFX_HTTP_HOST_MAX], service[8];
	uint16_t port, bound_port = 0;
	struct pfx_http *h;
	int err = 0, rc;

	*gai_error = NULL;
	if (pfx_http_parse_listen(opts->listen, host, sizeof(host), &port))
		return -EINVAL;
	snprintf(service, sizeof(service), "%u", (unsigned)port);
	rc = getaddrinfo(host[0] ? host : NULL, service, &hints, &res);
	if (rc == EAI_FAMILY || rc == EAI_ADDRFAMILY) {
		hints.ai_flags &= ~AI_ADDRCONFIG;	/* loopback only: no configured address */
		rc = getaddrinfo(host[0] ? host : NULL, service, &hints, &res);
	}
	if (rc) {
		*gai_error = gai_strerror(rc);
		return -ENXIO;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		freeaddrinfo(res);
		return -ENOMEM;
	}
	h->opts = *opts;
	h->timeout_ns = (uint64_t)(opts->timeout_s * 1e9);
	h->diagfd = pfx_sockdiag_open();	/* without it, owners are addresses */
	for (const struct addrinfo *ai = res; ai && h->nlfd < MAX_LISTEN; ai = ai->ai_next) {
		int fd = listen_on(ai, bound_port);

		if (fd == -EADDRNOTAVAIL || fd == -EAFNOSUPPORT)
			continue;	/* e.g. ::1 on a host without IPv6 */
		if (fd < 0) {
			err = fd;
			break;
		}
		{
			struct sockaddr_storage *sa = &h->lsa[h->nlfd];
			socklen_t len = sizeof(*sa);

			getsockname(fd, (struct sockaddr *)sa, &len);
			format_address(sa, h->address[h->nlfd], sizeof(h->address[h->nlfd]));
			h->lany[h->nlfd] = is_any(sa);
			h->every_address |= h->lany[h->nlfd];
			bound_port = ntohs(sa->ss_family == AF_INET6
						   ? ((struct sockaddr_in6 *)sa)->sin6_port
						   : ((struct sockaddr_in *)sa)->sin_port);
		}
		h->lfd[h->nlfd++] = fd;
	}
	freeaddrinfo(res);
	if (!err && h->nlfd == 0)
		err = -EADDRNOTAVAIL;
	if (!err) {
		h->clients = calloc(opts->max_clients, sizeof(*h->clients));
		h->owners = calloc(opts->max_clients, sizeof(*h->owners));
		h->pfd = calloc(opts->max_clients + MAX_LISTEN, sizeof(*h->pfd));
		h->pfd_slot = calloc(opts->max_clients + MAX_LISTEN, sizeof(*h->pfd_slot));
		if (!h->clients || !h->owners || !h->pfd || !h->pfd_slot)
			err = -ENOMEM;
	}
	if (err) {
		pfx_http_close(h);
		return err;
	}
	*out = h;
	return 0;
}

const char *pfx_http_address(const struct pfx_http *h, size_t i)
{
	return i < h->nlfd ? h->address[i] : NULL;
}

bool pfx_http_every_address(const struct pfx_http *h)
{
	return h->every_address;
}

void pfx_http_counts(const struct pfx_http *h, struct pfx_http_counts *out)
{
	*out = h->counts;
}

/* ---- owners ----------------------------------------------------------- */

/* Who is at the other end of fd, accepted from peer on listener l: the
 * uid of a socket of this host, else the address (see struct owner). */
static uint64_t owner_key(struct pfx_http *h, size_t l, int fd, const struct sockaddr_storage *peer)
{
	struct sockaddr_storage ours;
	socklen_t len = sizeof(ours);
	uint32_t uid;

	/* a listener on one address: that is ours; on every address, ask */
	if (!h->lany[l])
		ours = h->lsa[l];
	else if (getsockname(fd, (struct sockaddr *)&ours, &len) < 0)
		ours.ss_family = AF_UNSPEC;
	if (h->diagfd >= 0 && ours.ss_family != AF_UNSPEC &&
	    pfx_sockdiag_peer_uid(h->diagfd, (const struct sockaddr *)&ours,
				  (const struct sockaddr *)peer, &uid) == 0)
		return (1ull << 62) | uid;
	if (peer->ss_family == AF_INET)
		return (1ull << 63) | ntohl(((const struct sockaddr_in *)peer)->sin_addr.s_addr);
	if (peer->ss_family == AF_INET6) {
		const uint8_t *b = ((const struct sockaddr_in6 *)peer)->sin6_addr.s6_addr;
		uint64_t hash = 0xcbf29ce484222325ull;	/* FNV-1a */

		for (int i = 0; i < 16; i++)
			hash = (hash ^ b[i]) * 0x100000001b3ull;
		return (3ull << 62) | (hash >> 2);
	}
	return 0;
}

/* The entry of key, taken if new: there is a free one while a client
 * slot is free. */
static size_t owner_add(struct pfx_http *h, uint64_t key)
{
	size_t free_entry = NO_SLOT;

	for (size_t i = 0; i < h->opts.max_clients; i++) {
		if (h->owners[i].total && h->owners[i].key == key) {
			h->owners[i].total++;
			return i;
		}
		if (!h->owners[i].total && free_entry == NO_SLOT)
			free_entry = i;
	}
	h->owners[free_entry] = (struct owner){ .key = key, .total = 1 };
	return free_entry;
}

/* ---- clients ---------------------------------------------------------- */

/* reset: close with a reset (a silent client dropped for another), which
 * leaves no TIME_WAIT behind on pfx's side under a flood. */
static void drop_client(struct pfx_http *h, size_t slot, bool reset)
{
	struct client *c = h->clients[slot];
	struct owner *o = &h->owners[c->owner];

	if (c->waiting)
		h->waiting[c->slow] = NULL;	/* the answer, when it comes, is dropped */
	if (reset) {
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };

		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	close(c->fd);
	o->total--;
	if (c->spoke)
		o->spoke--;
	free(c->out);
	free(c);
	h->clients[slot] = NULL;
	h->nclients--;
}

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Content Too Large";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	}
	return "Error";
}

/* Queue an answer: head (with extra header lines, or NULL), then body
 * unless head_only.  0 or -ENOMEM. */
static int respond_with(struct pfx_http *h, struct client *c, int status, const char *type,
			const char *extra, const char *body, size_t len, bool head_only)
{
	char head[1024];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
			 "Connection: %s\r\n\r\n",
			 status, reason(status), type, len, extra ? extra : "",
			 c->close_after ? "close" : "keep-alive");

	if (n < 0 || (size_t)n >= sizeof(head))
		return -ENOMEM;
	size_t total = (size_t)n + (head_only ? 0 : len);

	if (status >= 500)
		h->counts.server_err++;
	else if (status >= 400)
		h->counts.client_err++;
	else
		h->counts.ok++;
	free(c->out);
	c->out = malloc(total);
	if (!c->out)
		return -ENOMEM;
	memcpy(c->out, head, (size_t)n);
	if (!head_only)
		memcpy(c->out + n, body, len);
	c->out_len = total;
	c->out_off = 0;
	c->writing = true;
	c->deadline_ns = pfx_now_ns() + h->timeout_ns;
	return 0;
}

static int respond(struct pfx_http *h, struct client *c, int status, const char *type,
		   const char *body, size_t len, bool head_only)
{
	return respond_with(h, c, status, type, NULL, body, len, head_only);
}

static int respond_reply(struct pfx_http *h, struct client *c, const struct pfx_http_reply *r,
			 bool head_only)
{
	return respond_with(h, c, r->status, r->content_type, r->headers, r->data, r->len, head_only);
}

static int respond_text(struct pfx_http *h, struct client *c, int status, const char *text,
			bool head_only)
{
	return respond(h, c, status, "text/plain; charset=utf-8", text, strlen(text), head_only);
}

/* 405, naming the methods the path takes (no body to a HEAD); the
 * connection closes, as after every refusal of a method. */
static int refuse_method(struct pfx_http *h, struct client *c, bool post, bool head)
{
	const char *text = post ? "only POST\n" : "only GET and HEAD\n";

	c->close_after = true;
	return respond_with(h, c, 405, "text/plain; charset=utf-8",
			    post ? "Allow: POST\r\n" : "Allow: GET, HEAD\r\n", text, strlen(text), head);
}

static bool path_is(const struct pfx_httpreq *req, const char *path)
{
	return path && req->path_len == strlen(path) && memcmp(req->path, path, req->path_len) == 0;
}

/* A slow path's request: refused, answered at once, or left waiting. */
static int route_slow(struct pfx_http *h, struct client *c, const struct pfx_httpreq *req, size_t i)
{
	const struct pfx_http_slow *sp = &h->opts.slow[i];
	bool head = req->method == PFX_HTTPREQ_HEAD;
	struct pfx_http_reply reply = { 0 };
	int rc;

	if (sp->post ? req->method != PFX_HTTPREQ_POST
		     : req->method != PFX_HTTPREQ_GET && !head)
		return refuse_method(h, c, sp->post, head);
	if (sp->loopback_only && !c->loopback)
		return respond_text(h, c, 403, "only from this host's loopback address\n", head);
	rc = sp->start(h->opts.ctx, req->query, req->query_len, &reply);
	if (rc < 0)
		return respond_text(h, c, 500, "starting the answer failed\n", head);
	if (rc == 0)
		return respond_reply(h, c, &reply, head);
	/* the answer comes from poll; meanwhile c is left alone */
	c->waiting = true;
	c->slow = i;
	c->head_only = head;
	h->waiting[i] = c;
	return 0;
}

/* Answer a request parsed (status 0). */
static int route(struct pfx_http *h, struct client *c, const struct pfx_httpreq *req)
{
	bool head = req->method == PFX_HTTPREQ_HEAD;
	bool other = req->method != PFX_HTTPREQ_GET && !head;

	for (size_t i = 0; i < PFX_HTTP_SLOW_MAX; i++)
		if (path_is(req, h->opts.slow[i].path))
			return route_slow(h, c, req, i);
	if (other)
		c->close_after = true;
	if (path_is(req, h->opts.path)) {
		struct pfx_http_body body = { 0 };
		const char *accept = NULL;

		if (other)
			return refuse_method(h, c, false, false);
		if (req->accept) {
			memcpy(h->accept, req->accept, req->accept_len);
			h->accept[req->accept_len] = '\0';
			accept = h->accept;
		}
		if (h->opts.handler(h->opts.ctx, accept, &body))
			return respond_text(h, c, 500, "collecting the metrics failed\n", head);
		return respond(h, c, 200, body.content_type, body.data, body.len, head);
	}
	if (path_is(req, "/")) {
		char page[256];

		if (other)
			return refuse_method(h, c, false, false);
		snprintf(page, sizeof(page), "pfx serve %s: the metrics are at %s\n", PACKAGE_VERSION,
			 h->opts.path);
		return respond_text(h, c, 200, page, head);
	}
	return respond_text(h, c, 404, "not found\n", head);
}

/* Answer the next complete request in c->in, if any.  1: an answer is
 * queued; 0: no whole request yet; -1: drop the client. */
static int serve_input(struct pfx_http *h, struct client *c)
{
	struct pfx_httpreq req, next;
	int err;

	if (!pfx_httpreq_parse(c->in, c->in_len, &req))
		return c->eof ? -1 : 0;
	if (req.status) {
		char text[128];

		/* what follows a refused head cannot be framed: nothing more
		 * is read as a request; the connection closes */
		c->close_after = true;
		c->in_len = 0;
		snprintf(text, sizeof(text), "%s\n", req.why);
		return respond_text(h, c, req.status, text, false) ? -1 : 1;
	}
	/* half-closed: the last whole request it sent is answered "close" */
	c->close_after = !req.keep_alive ||
			 (c->eof && !pfx_httpreq_parse(c->in + req.head_len, c->in_len - req.head_len, &next));
	err = route(h, c, &req);
	memmove(c->in, c->in + req.head_len, c->in_len - req.head_len);
	c->in_len -= req.head_len;
	return err ? -1 : 1;
}

/* The slot to free for a newcomer: among the clients that have sent
 * nothing (else those idle between requests), one of the owner holding
 * the most slots, its oldest.  NO_SLOT when every client has a request
 * under way. */
static size_t pick_victim(struct pfx_http *h)
{
	for (int idle = 0; idle < 2; idle++) {
		size_t best = NO_SLOT;

		for (size_t s = 0; s < h->opts.max_clients; s++) {
			struct client *c = h->clients[s], *b;

			if (!c || c->writing || c->draining || c->more || c->waiting ||
			    (idle ? !c->spoke || c->in_len : c->spoke))
				continue;
			b = best == NO_SLOT ? NULL : h->clients[best];
			if (!b || h->owners[c->owner].total > h->owners[b->owner].total ||
			    (h->owners[c->owner].total == h->owners[b->owner].total &&
			     c->accepted_ns < b->accepted_ns))
				best = s;
		}
		if (best != NO_SLOT)
			return best;
	}
	return NO_SLOT;
}

static void take_new(struct pfx_http *h, size_t l)
{
	for (int n = 0; n < ACCEPT_BATCH; n++) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		int fd = accept4(h->lfd[l], (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct client *c;
		size_t slot;

		if (fd < 0) {
			/* out of descriptors: the connection waits in the backlog,
			 * and the listener, still readable, must not spin poll */
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				h->accept_pause_ns = pfx_now_ns() + 100000000ull;
			return;	/* EAGAIN, or a connection gone before its accept */
		}
		h->counts.accepted++;
		if (h->nclients >= h->opts.max_clients) {
			slot = pick_victim(h);
			if (slot == NO_SLOT) {
				close(fd);
				h->counts.refused++;
				continue;
			}
			drop_client(h, slot, !h->clients[slot]->spoke);
			h->counts.evicted++;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		for (slot = 0; h->clients[slot]; slot++)
			;
		c->fd = fd;
		c->loopback = pfx_http_is_loopback(&peer);
		c->owner = owner_add(h, owner_key(h, l, fd, &peer));
		c->accepted_ns = pfx_now_ns();
		c->deadline_ns = c->accepted_ns + (h->timeout_ns < FIRST_BYTE_NS ? h->timeout_ns : FIRST_BYTE_NS);
		h->clients[slot] = c;
		h->nclients++;
	}
}

/* Read what the client sent (one read: poll says when more comes);
 * nothing while in[] is full (the requests in it are answered first).
 * false: drop it. */
static bool read_client(struct pfx_http *h, struct client *c)
{
	ssize_t n;

	if (c->eof || c->in_len >= sizeof(c->in))
		return true;
	n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, 0);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR;
	if (n == 0) {
		c->eof = true;
		return true;
	}
	c->in_len += (size_t)n;
	if (!c->spoke) {
		struct owner *o = &h->owners[c->owner];

		/* half the slots at most for one owner's requests: the
		 * other half stays for everyone else */
		if (o->spoke >= h->opts.max_clients / 2) {
			h->counts.refused++;
			return false;
		}
		o->spoke++;
		c->spoke = true;
		/* a whole request may take the timeout from the connection */
		c->deadline_ns = c->accepted_ns + h->timeout_ns;
	}
	return true;
}

/* Send what is queued.  false: drop the client (gone). */
static bool write_client(struct pfx_http *h, struct client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);

		if (n < 0)
			return errno == EAGAIN || errno == EINTR;
		c->out_off += (size_t)n;
	}
	free(c->out);
	c->out = NULL;
	c->writing = false;
	if (c->close_after) {
		/* A close with unread input resets the connection, and the
		 * reset can beat the answer to the client: shut down writing
		 * and read to its end (a second at most) first. */
		if (c->eof)
			return false;
		shutdown(c->fd, SHUT_WR);
		c->draining = true;
		c->in_len = 0;
		if (c->deadline_ns > pfx_now_ns() + 1000000000ull)
			c->deadline_ns = pfx_now_ns() + 1000000000ull;
		return true;
	}
	c->deadline_ns = pfx_now_ns() + h->timeout_ns;	/* idle keep-alive */
	return true;
}

static bool drain(struct client *c)
{
	char sink[4096];
	ssize_t n = recv(c->fd, sink, sizeof(sink), 0);

	return n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR));
}

/* Serve a client until it waits for the network again, or has had
 * ROUNDS answers in this step.  false: drop it. */
static bool advance(struct pfx_http *h, struct client *c, short revents)
{
	if (c->waiting)
		return true;
	if (c->draining)
		return !revents || drain(c);
	if ((revents & (POLLIN | POLLHUP | POLLERR)) && !c->writing && !read_client(h, c))
		return false;
	if (c->writing) {
		if (!write_client(h, c))
			return false;
		if (c->writing || c->draining)
			return true;
	}
	c->more = false;
	for (int rounds = 0; rounds < ROUNDS; rounds++) {
		int rc = serve_input(h, c);

		if (rc <= 0)
			return rc == 0;
		if (c->waiting)
			return true;
		if (!write_client(h, c))
			return false;
		if (c->writing || c->draining)
			return true;	/* the socket is full (wait for POLLOUT), or closing */
	}
	c->more = true;
	return true;
}

/* Slow path i's answer, when it has come: queued and sent to its client,
 * which then goes on as any other (its pipelined requests next step). */
static void slow_answer(struct pfx_http *h, size_t i)
{
	struct pfx_http_reply reply = { 0 };
	struct client *c = h->waiting[i];

	if (!c || h->opts.slow[i].poll(h->opts.ctx, &reply) != 1)
		return;
	h->waiting[i] = NULL;
	c->waiting = false;
	c->more = true;
	for (size_t s = 0; s < h->opts.max_clients; s++) {
		if (h->clients[s] != c)
			continue;
		if (respond_reply(h, c, &reply, c->head_only) || !write_client(h, c))
			drop_client(h, s, false);
		break;
	}
}

int pfx_http_step(struct pfx_http *h, int timeout_ms)
{
	uint64_t now = pfx_now_ns();
	size_t n = 0;
	int ready;

	for (size_t s = 0; s < h->opts.max_clients; s++) {
		struct client *c = h->clients[s];

		if (!c || c->waiting)
			continue;	/* a client awaiting the slow answer has no deadline */
		if (c->deadline_ns <= now || c->more)
			timeout_ms = 0;
		else if (timeout_ms < 0 || c->deadline_ns - now < (uint64_t)timeout_ms * 1000000ull)
			timeout_ms = (int)((c->deadline_ns - now + 999999) / 1000000);
		h->pfd[n] = (struct pollfd){ .fd = c->fd, .events = c->writing ? POLLOUT : POLLIN };
		h->pfd_slot[n++] = s;
	}
	/* the listeners last: clients a newcomer pushes out are past */
	for (size_t i = 0; i < h->nlfd && now >= h->accept_pause_ns; i++) {
		h->pfd[n] = (struct pollfd){ .fd = h->lfd[i], .events = POLLIN };
		h->pfd_slot[n++] = NO_SLOT - 1 - i;	/* listener i */
	}
	for (size_t i = 0; i < PFX_HTTP_SLOW_MAX; i++)
		if (h->waiting[i] && (timeout_ms < 0 || timeout_ms > 50))
			timeout_ms = 50;	/* the slow answer is polled for */
	if (now < h->accept_pause_ns && (timeout_ms < 0 || (uint64_t)timeout_ms * 1000000ull >
							       h->accept_pause_ns - now))
		timeout_ms = (int)((h->accept_pause_ns - now + 999999) / 1000000);
	ready = poll(h->pfd, n, timeout_ms);
	if (ready < 0)
		return errno == EINTR ? 0 : -errno;
	now = pfx_now_ns();
	for (size_t i = 0; i < n; i++) {
		size_t s = h->pfd_slot[i];
		struct client *c;

		if (s >= NO_SLOT - MAX_LISTEN) {
			if (h->pfd[i].revents)
				take_new(h, NO_SLOT - 1 - s);
			continue;
		}
		c = h->clients[s];
		if ((h->pfd[i].revents || c->more) && !advance(h, c, h->pfd[i].revents))
			drop_client(h, s, false);
		else if (c->deadline_ns <= now)
			drop_client(h, s, false);	/* too slow: its slot goes to others */
	}
	for (size_t i = 0; i < PFX_HTTP_SLOW_MAX; i++)
		slow_answer(h, i);
	return 0;
}

void pfx_http_close(struct pfx_http *h)
{
	if (!h)
		return;
	for (size_t s = 0; h->clients && s < h->opts.max_clients; s++)
		if (h->clients[s])
			drop_client(h, s, false);
	for (size_t i = 0; i < h->nlfd; i++)
		close(h->lfd[i]);
	if (h->diagfd >= 0)
		close(h->diagfd);
	free(h->clients);
	free(h->owners);
	free(h->pfd);
	free(h->pfd_slot);
	free(h);
}
