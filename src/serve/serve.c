/* SPDX-License-Identifier: GPL-2.0-or-later */
/* serve: a poll() HTTP/1.1 server for one path; see serve.h. */
#include "config.h"
#include "serve.h"
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

enum { MAX_LISTEN = 4, ADDR_MAX = PFX_HTTP_HOST_MAX + 16 };
#define NO_SLOT ((size_t)-1)

struct client {
	int fd;
	char in[PFX_HTTP_HEAD_MAX + 1];	/* + the NUL the parser puts after a head */
	size_t in_len;
	char *out;			/* the answer being sent */
	size_t out_len, out_off;
	bool writing;
	bool close_after;		/* close once the answer is sent */
	bool eof;			/* the client sent all it will */
	bool draining;			/* answered and shut down for writing: reading what
					 * it still sends, so that closing sends no reset
					 * ahead of the answer */
	uint64_t deadline_ns;
};

struct pfx_http {
	struct pfx_http_opts opts;
	int lfd[MAX_LISTEN];
	size_t nlfd;
	char address[ADDR_MAX];
	struct client **clients;	/* max_clients slots, NULL: free */
	size_t nclients;
	struct pollfd *pfd;
	size_t *pfd_slot;		/* the client slot of each pollfd (NO_SLOT: a listener) */
	uint64_t timeout_ns;
	uint64_t accept_pause_ns;	/* out of descriptors: listeners rest until then */
	uint64_t counts[3];		/* 2xx, 4xx, 5xx */
	uint64_t evicted;		/* clients dropped to make room */
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
	if (bind(fd, (struct sockaddr *)&sa, ai->ai_addrlen) < 0 || listen(fd, 64) < 0) {
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
	for (const struct addrinfo *ai = res; ai && h->nlfd < MAX_LISTEN; ai = ai->ai_next) {
		int fd = listen_on(ai, bound_port);

		if (fd == -EADDRNOTAVAIL || fd == -EAFNOSUPPORT)
			continue;	/* e.g. ::1 on a host without IPv6 */
		if (fd < 0) {
			err = fd;
			break;
		}
		if (h->nlfd == 0) {
			struct sockaddr_storage sa;
			socklen_t len = sizeof(sa);

			getsockname(fd, (struct sockaddr *)&sa, &len);
			format_address(&sa, h->address, sizeof(h->address));
			bound_port = ntohs(sa.ss_family == AF_INET6
						   ? ((struct sockaddr_in6 *)&sa)->sin6_port
						   : ((struct sockaddr_in *)&sa)->sin_port);
		}
		h->lfd[h->nlfd++] = fd;
	}
	freeaddrinfo(res);
	if (!err && h->nlfd == 0)
		err = -EADDRNOTAVAIL;
	if (!err) {
		h->clients = calloc(opts->max_clients, sizeof(*h->clients));
		h->pfd = calloc(opts->max_clients + MAX_LISTEN, sizeof(*h->pfd));
		h->pfd_slot = calloc(opts->max_clients + MAX_LISTEN, sizeof(*h->pfd_slot));
		if (!h->clients || !h->pfd || !h->pfd_slot)
			err = -ENOMEM;
	}
	if (err) {
		pfx_http_close(h);
		return err;
	}
	*out = h;
	return 0;
}

const char *pfx_http_address(const struct pfx_http *h)
{
	return h->address;
}

void pfx_http_counts(const struct pfx_http *h, uint64_t *ok, uint64_t *client_err,
		     uint64_t *server_err, uint64_t *evicted)
{
	*ok = h->counts[0];
	*client_err = h->counts[1];
	*server_err = h->counts[2];
	*evicted = h->evicted;
}

/* ---- clients ---------------------------------------------------------- */

static void drop_client(struct pfx_http *h, size_t slot)
{
	struct client *c = h->clients[slot];

	close(c->fd);
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
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	}
	return "Error";
}

/* Queue an answer: head, then body unless head_only.  0 or -ENOMEM. */
static int respond(struct pfx_http *h, struct client *c, int status, const char *type,
		   const char *body, size_t len, bool head_only)
{
	char head[512];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
			 "Connection: %s\r\n\r\n",
			 status, reason(status), type, len,
			 status == 405 ? "Allow: GET, HEAD\r\n" : "",
			 c->close_after ? "close" : "keep-alive");
	size_t total = (size_t)n + (head_only ? 0 : len);

	h->counts[status >= 500 ? 2 : status >= 400 ? 1 : 0]++;
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

static int respond_text(struct pfx_http *h, struct client *c, int status, const char *text,
			bool head_only)
{
	return respond(h, c, status, "text/plain; charset=utf-8", text, strlen(text), head_only);
}

/* The end of the head in c->in (just past the empty line), or NULL. */
static char *head_end(struct client *c)
{
	for (size_t i = 0; i + 1 < c->in_len; i++) {
		if (c->in[i] == '\n' && c->in[i + 1] == '\n')
			return c->in + i + 2;
		if (c->in[i] == '\n' && c->in[i + 1] == '\r' && i + 2 < c->in_len && c->in[i + 2] == '\n')
			return c->in + i + 3;
	}
	return NULL;
}

/* Next line of the head at *s (CR LF or LF), NUL-terminated in place. */
static char *next_line(char **s, char *end)
{
	char *line = *s, *nl;

	if (line >= end)
		return NULL;
	nl = memchr(line, '\n', (size_t)(end - line));
	if (!nl)
		return NULL;
	*nl = '\0';
	if (nl > line && nl[-1] == '\r')
		nl[-1] = '\0';
	*s = nl + 1;
	return line;
}

/* Answer the request whose head is c->in up to end. */
static int handle(struct pfx_http *h, struct client *c, char *end)
{
	char *s = c->in, *line = next_line(&s, end), *method, *target, *version, *save = NULL;
	const char *accept = NULL;
	bool get, head;
	size_t plen;

	method = line ? strtok_r(line, " ", &save) : NULL;
	target = method ? strtok_r(NULL, " ", &save) : NULL;
	version = target ? strtok_r(NULL, " ", &save) : NULL;
	if (!version || strtok_r(NULL, " ", &save) ||
	    (strcmp(version, "HTTP/1.1") != 0 && strcmp(version, "HTTP/1.0") != 0)) {
		c->close_after = true;
		return respond_text(h, c, 400, "bad request line\n", false);
	}
	c->close_after = strcmp(version, "HTTP/1.0") == 0;
	while ((line = next_line(&s, end)) && *line) {
		char *colon = strchr(line, ':'), *value;

		if (!colon || colon == line) {
			c->close_after = true;
			return respond_text(h, c, 400, "bad header line\n", false);
		}
		*colon = '\0';
		value = colon + 1 + strspn(colon + 1, " \t");
		if (strcasecmp(line, "Accept") == 0 && !accept)
			accept = value;
		else if (strcasecmp(line, "Connection") == 0)
			c->close_after = strcasestr(value, "close") ? true
					 : strcasestr(value, "keep-alive") ? false : c->close_after;
		else if ((strcasecmp(line, "Content-Length") == 0 && strcmp(value, "0") != 0) ||
			 strcasecmp(line, "Transfer-Encoding") == 0)
			c->close_after = true;	/* a body pfx will not read */
	}
	/* absolute form: http://host:port/path */
	if (strncasecmp(target, "http://", 7) == 0 || strncasecmp(target, "https://", 8) == 0) {
		char *p = strchr(strstr(target, "//") + 2, '/');

		target = p ? p : (char *)"/";
	}
	plen = strcspn(target, "?#");
	get = strcmp(method, "GET") == 0;
	head = strcmp(method, "HEAD") == 0;
	if (plen == strlen(h->opts.path) && strncmp(target, h->opts.path, plen) == 0) {
		struct pfx_http_body body = { 0 };

		if (!get && !head) {
			c->close_after = true;
			return respond_text(h, c, 405, "only GET and HEAD\n", false);
		}
		if (h->opts.handler(h->opts.ctx, accept, &body))
			return respond_text(h, c, 500, "collecting the metrics failed\n", head);
		return respond(h, c, 200, body.content_type, body.data, body.len, head);
	}
	if (plen == 1 && target[0] == '/') {
		char page[256];

		if (!get && !head) {
			c->close_after = true;
			return respond_text(h, c, 405, "only GET and HEAD\n", false);
		}
		snprintf(page, sizeof(page), "pfx serve %s: the metrics are at %s\n", PACKAGE_VERSION,
			 h->opts.path);
		return respond_text(h, c, 200, page, head);
	}
	if (!get && !head)
		c->close_after = true;
	return respond_text(h, c, 404, "not found\n", head);
}

/* Answer the next complete request in c->in, if any.  0, or -1 when the
 * client is to be dropped. */
static int serve_input(struct pfx_http *h, struct client *c)
{
	char *end;
	size_t used;

	if (c->writing)
		return 0;
	end = head_end(c);
	if (!end) {
		if (c->in_len >= PFX_HTTP_HEAD_MAX) {
			c->close_after = true;
			c->in_len = 0;
			return respond_text(h, c, 431, "request head over 8 KiB\n", false) ? -1 : 0;
		}
		return c->eof ? -1 : 0;
	}
	used = (size_t)(end - c->in);
	if (handle(h, c, end))
		return -1;
	memmove(c->in, c->in + used, c->in_len - used);
	c->in_len -= used;
	if (c->eof)
		c->close_after = true;	/* half-closed: answer, then done */
	return 0;
}

/* Make room for a new client: drop the one that has waited longest
 * (the earliest deadline: idle, silent or not reading).  A crowd of
 * connections that do nothing then cannot lock a scraper out; each
 * newcomer is served before the crowd can push it out. */
static void evict_oldest(struct pfx_http *h)
{
	size_t oldest = NO_SLOT;

	for (size_t s = 0; s < h->opts.max_clients; s++)
		if (h->clients[s] && (oldest == NO_SLOT ||
				      h->clients[s]->deadline_ns < h->clients[oldest]->deadline_ns))
			oldest = s;
	if (oldest != NO_SLOT) {
		drop_client(h, oldest);
		h->evicted++;
	}
}

static void take_new(struct pfx_http *h, int lfd)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct client *c;
		size_t slot;

		if (fd < 0) {
			/* out of descriptors: the connection waits in the backlog,
			 * and the listener, still readable, must not spin poll */
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				h->accept_pause_ns = pfx_now_ns() + 100000000ull;
			return;	/* EAGAIN, or a connection gone before its accept */
		}
		if (h->nclients >= h->opts.max_clients)
			evict_oldest(h);
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		for (slot = 0; h->clients[slot]; slot++)
			;
		c->fd = fd;
		c->deadline_ns = pfx_now_ns() + h->timeout_ns;
		h->clients[slot] = c;
		h->nclients++;
	}
}

/* Read what the client sent (one read: poll says when more comes).
 * false: drop it. */
static bool read_client(struct client *c)
{
	ssize_t n;

	if (c->eof || c->in_len >= PFX_HTTP_HEAD_MAX)
		return true;
	n = recv(c->fd, c->in + c->in_len, PFX_HTTP_HEAD_MAX - c->in_len, 0);
	if (n > 0)
		c->in_len += (size_t)n;
	else if (n == 0)
		c->eof = true;
	else
		return errno == EAGAIN || errno == EINTR;
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

/* Serve a client until it waits for the network again.  false: drop it. */
static bool advance(struct pfx_http *h, struct client *c, short revents)
{
	if (c->draining)
		return drain(c);
	if ((revents & (POLLIN | POLLHUP | POLLERR)) && !c->writing && !read_client(c))
		return false;
	for (int rounds = 0; rounds < 16; rounds++) {	/* pipelined requests, bounded */
		if (serve_input(h, c))
			return false;
		if (!c->writing)
			return !c->eof;
		if (!write_client(h, c))
			return false;
		if (c->writing || c->draining)
			return true;	/* the socket is full (wait for POLLOUT), or closing */
	}
	return true;
}

int pfx_http_step(struct pfx_http *h, int timeout_ms)
{
	uint64_t now = pfx_now_ns();
	size_t n = 0;
	int ready;

	for (size_t i = 0; i < h->nlfd && now >= h->accept_pause_ns; i++) {
		h->pfd[n] = (struct pollfd){ .fd = h->lfd[i], .events = POLLIN };
		h->pfd_slot[n++] = NO_SLOT;
	}
	if (now < h->accept_pause_ns && (timeout_ms < 0 || (uint64_t)timeout_ms * 1000000ull >
							       h->accept_pause_ns - now))
		timeout_ms = (int)((h->accept_pause_ns - now + 999999) / 1000000);
	for (size_t s = 0; s < h->opts.max_clients; s++) {
		struct client *c = h->clients[s];

		if (!c)
			continue;
		if (c->deadline_ns <= now)
			timeout_ms = 0;
		else if (timeout_ms < 0 || c->deadline_ns - now < (uint64_t)timeout_ms * 1000000ull)
			timeout_ms = (int)((c->deadline_ns - now + 999999) / 1000000);
		h->pfd[n] = (struct pollfd){ .fd = c->fd, .events = c->writing ? POLLOUT : POLLIN };
		h->pfd_slot[n++] = s;
	}
	ready = poll(h->pfd, n, timeout_ms);
	if (ready < 0)
		return errno == EINTR ? 0 : -errno;
	now = pfx_now_ns();
	for (size_t i = 0; i < n; i++) {
		size_t s = h->pfd_slot[i];
		struct client *c;

		if (s == NO_SLOT) {
			if (h->pfd[i].revents)
				take_new(h, h->pfd[i].fd);
			continue;
		}
		c = h->clients[s];
		if (h->pfd[i].revents && !advance(h, c, h->pfd[i].revents))
			drop_client(h, s);
		else if (c->deadline_ns <= now)
			drop_client(h, s);	/* too slow: its slot goes to others */
	}
	return 0;
}

void pfx_http_close(struct pfx_http *h)
{
	if (!h)
		return;
	for (size_t s = 0; h->clients && s < h->opts.max_clients; s++)
		if (h->clients[s])
			drop_client(h, s);
	for (size_t i = 0; i < h->nlfd; i++)
		close(h->lfd[i]);
	free(h->clients);
	free(h->pfd);
	free(h->pfd_slot);
	free(h);
}
