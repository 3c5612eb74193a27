/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz-http: the request parser of 'pfx serve' (src/serve/httpreq.c, the
 * code the server runs) must survive any bytes a client sends, read as
 * the server reads them: head after head until one is incomplete or
 * refused.  Each answer keeps the parser's promises: a whole head is at
 * most 8 KiB and inside the bytes, a refusal is 400, 413 or 431 with a
 * reason, a request's path and Accept lie inside its head and hold no
 * line break, nor does its query (no '#' either), and a query parameter
 * found (pfx_httpreq_param) lies inside the query; the head frames itself (the same bytes alone give the same
 * answer, one byte less is not whole), so nothing after it can change
 * where it ends.  Never a crash, hang or out-of-bounds read.
 *
 * With --enable-fuzzer (clang) this is a libFuzzer target:
 *   ./tests/fuzz/fuzz-http tests/fuzz/corpus/http
 * Without it, main() replays the seed corpus (a 'make check' test). */
#include "config.h"
#include "httpreq.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool inside(const char *p, size_t len, const char *head, size_t head_len)
{
	return p >= head && len <= head_len && (size_t)(p - head) <= head_len - len;
}

static void check_request(const char *head, size_t avail, const struct pfx_httpreq *r)
{
	if (r->head_len == 0 || r->head_len > avail || r->head_len > PFX_HTTPREQ_HEAD_MAX)
		abort();
	if (r->status) {
		if ((r->status != 400 && r->status != 413 && r->status != 431) || !r->why)
			abort();
		return;
	}
	if (r->method != PFX_HTTPREQ_GET && r->method != PFX_HTTPREQ_HEAD &&
	    r->method != PFX_HTTPREQ_OTHER && r->method != PFX_HTTPREQ_POST)
		abort();
	/* the path: in the head, or the "/" of an absolute form without one */
	if (!r->path || r->path_len == 0 || (r->path[0] != '/' && r->path[0] != '*'))
		abort();
	if (!(r->path_len == 1 && r->path[0] == '/') && !inside(r->path, r->path_len, head, r->head_len))
		abort();
	if (memchr(r->path, '\n', r->path_len) || memchr(r->path, '\r', r->path_len) ||
	    memchr(r->path, ' ', r->path_len) || memchr(r->path, '?', r->path_len))
		abort();
	if (r->accept && (!inside(r->accept, r->accept_len, head, r->head_len) ||
			  memchr(r->accept, '\n', r->accept_len) || memchr(r->accept, '\r', r->accept_len)))
		abort();
	if (!r->accept && r->accept_len)
		abort();
	if (r->query) {
		static const char *const names[] = { "seconds", "weight", "" };

		if (!inside(r->query, r->query_len, head, r->head_len) ||
		    memchr(r->query, '\n', r->query_len) || memchr(r->query, '\r', r->query_len) ||
		    memchr(r->query, ' ', r->query_len) || memchr(r->query, '#', r->query_len))
			abort();
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			const char *v = NULL;
			size_t vlen = 0;
			int rc = pfx_httpreq_param(r->query, r->query_len, names[i], &v, &vlen);

			if (rc < -1 || rc > 1 || (rc == 1 && !inside(v, vlen, r->query, r->query_len)) ||
			    (rc == 1 && memchr(v, '&', vlen)))
				abort();
		}
	} else if (r->query_len) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	size_t off = 0;

	while (off < size) {
		struct pfx_httpreq req, again;
		size_t avail = size - off;
		int rc;

		memset(&req, 0xa5, sizeof(req));
		rc = pfx_httpreq_parse(buf + off, avail, &req);
		if (rc == 0) {
			/* not whole: only while under the limit */
			if (avail >= PFX_HTTPREQ_HEAD_MAX)
				abort();
			break;
		}
		if (rc != 1)
			abort();
		check_request(buf + off, avail, &req);
		if (req.status == 431)
			break;
		/* the head alone: the same answer; one byte less: not whole */
		if (pfx_httpreq_parse(buf + off, req.head_len, &again) != 1 ||
		    again.head_len != req.head_len || again.status != req.status ||
		    again.keep_alive != req.keep_alive || again.method != req.method ||
		    again.path_len != req.path_len || again.accept_len != req.accept_len ||
		    again.query_len != req.query_len)
			abort();
		if (pfx_httpreq_parse(buf + off, req.head_len - 1, &again) != 0)
			abort();
		if (req.status)
			break;	/* the server closes: nothing after is read */
		off += req.head_len;
	}
	return 0;
}

#define PFX_FUZZ_NAME "fuzz-http"
#include "replay.h"
