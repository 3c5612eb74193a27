/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-metrics: the pieces of 'pfx serve' that take no kernel: the format
 * an Accept header asks for (Prometheus's own header, q values, versions,
 * wildcards, junk), label values escaped and made UTF-8 (quotes,
 * backslashes, newlines, stray bytes, overlong and surrogate forms),
 * --listen addresses, and request heads and queries (httpreq: what is answered, what
 * is refused with which status, where a head ends, keep-alive). */
#include "config.h"
#include "httpreq.h"
#include "metrics.h"
#include "serve.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond, ...) do { if (!(cond)) { printf("FAIL: " __VA_ARGS__); printf("\n"); failures++; } } while (0)

static void negotiate(const char *accept, enum pfx_metrics_format want)
{
	enum pfx_metrics_format got = pfx_metrics_negotiate(accept);

	CHECK(got == want, "Accept '%s': got %s", accept ? accept : "(none)",
	      got == PFX_METRICS_OPENMETRICS ? "OpenMetrics" : "text");
}

static void label(const char *in, const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	pfx_metrics_label_value(fp, in);
	fclose(fp);
	CHECK(strcmp(buf, want) == 0, "label '%s' -> '%s', want '%s'", in, buf, want);
	free(buf);
}

static void listen_ok(const char *s, const char *host, unsigned port)
{
	char h[PFX_HTTP_HOST_MAX];
	uint16_t p;

	CHECK(pfx_http_parse_listen(s, h, sizeof(h), &p) == 0 && strcmp(h, host) == 0 && p == port,
	      "--listen '%s'", s);
}

static void listen_bad(const char *s)
{
	char h[PFX_HTTP_HOST_MAX];
	uint16_t p;

	CHECK(pfx_http_parse_listen(s, h, sizeof(h), &p) != 0, "--listen '%s' accepted", s);
}

/* req(bytes, status, head_len, path, keep_alive): one head parsed from
 * the start of bytes (sizeof - 1: NULs allowed) */
#define req(bytes, status, head_len, path, keep) \
	request(bytes, sizeof(bytes) - 1, status, head_len, path, keep)

static void request(const char *bytes, size_t len, int status, size_t head_len, const char *path,
		    bool keep)
{
	struct pfx_httpreq r;
	int rc = pfx_httpreq_parse(bytes, len, &r);

	CHECK(rc == 1, "request '%.40s': not whole (%d)", bytes, rc);
	if (rc != 1)
		return;
	CHECK(r.status == status, "request '%.40s': status %d, want %d (%s)", bytes, r.status, status,
	      r.why ? r.why : "");
	CHECK(r.head_len == head_len, "request '%.40s': head of %zu bytes, want %zu", bytes, r.head_len,
	      head_len);
	if (!status && path)
		CHECK(r.path_len == strlen(path) && memcmp(r.path, path, r.path_len) == 0 && r.keep_alive == keep,
		      "request '%.40s': path '%.*s' keep-alive %d", bytes, (int)r.path_len, r.path, r.keep_alive);
}

static void incomplete(const char *bytes)
{
	struct pfx_httpreq r;

	CHECK(pfx_httpreq_parse(bytes, strlen(bytes), &r) == 0, "request '%.40s' taken as whole", bytes);
}

static void requests(void)
{
	struct pfx_httpreq r;
	static char big[PFX_HTTPREQ_HEAD_MAX + 10];
	const char *pro = "GET /metrics HTTP/1.1\r\nHost: h\r\nAccept: text/plain;q=1 \r\n\r\n";

	req("GET /metrics HTTP/1.1\r\nHost: h\r\n\r\n", 0, 34, "/metrics", true);
	req("GET /metrics?a=b HTTP/1.1\r\nHost: h\r\nConnection: Keep-Alive, close\r\n\r\n", 0, 69,
	    "/metrics", false);
	req("HEAD /metrics HTTP/1.0\r\n\r\n", 0, 26, "/metrics", false);
	req("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 0, 42, "/", true);
	req("GET http://h:1/metrics#x HTTP/1.1\nHost: h\n\n", 0, 43, "/metrics", true);
	req("GET http://h?x HTTP/1.1\r\nHost: h\r\n\r\n", 0, 36, "/", true);
	req("\r\n\nGET / HTTP/1.1\r\nHost: h\r\nContent-Length: 000\r\n\r\nGET", 0, 51, "/", true);
	/* POST (serve's POST /flight) is a method of its own, bodiless too */
	CHECK(pfx_httpreq_parse("POST /flight HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", 53, &r) == 1 &&
	      r.status == 0 && r.method == PFX_HTTPREQ_POST, "POST not parsed");
	CHECK(pfx_httpreq_parse("POST /flight HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nab", 55, &r) == 1 &&
	      r.status == 413, "POST with a body not refused");
	CHECK(pfx_httpreq_parse("PUT / HTTP/1.1\r\nHost: h\r\n\r\n", 27, &r) == 1 &&
	      r.method == PFX_HTTPREQ_OTHER, "PUT not OTHER");
	/* the Accept value, blanks trimmed, inside the head */
	CHECK(pfx_httpreq_parse(pro, strlen(pro), &r) == 1 && r.accept_len == 14 &&
	      memcmp(r.accept, "text/plain;q=1", 14) == 0, "Accept not found");
	/* refused, and where the refused head ends (the server closes there) */
	req("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nGET ", 413, 70,
	    NULL, false);
	req("GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 413, 55, NULL, false);
	req("GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: x\r\nContent-Length: 0\r\n\r\n", 400, 68, NULL,
	    false);
	req("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n", 400, 65, NULL,
	    false);
	req("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400, 47, NULL, false);
	req("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n\tb\r\n\r\n", 400, 37, NULL, false);
	req("GET / HTTP/1.1\r\nHost: h\rX: a\r\n\r\n", 400, 32, NULL, false);
	req("GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n", 400, 35, NULL, false);
	req("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400, 28, NULL, false);
	req("GET / HTTP/1.1\r\n\r\n", 400, 18, NULL, false);
	req("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 400, 36, NULL, false);
	req("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400, 29, NULL, false);
	req("GET / HTTP/2.0\r\n\r\n", 400, 18, NULL, false);
	req("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400, 28, NULL, false);
	req("get\x01 / HTTP/1.1\r\nHost: h\r\n\r\n", 400, 28, NULL, false);
	req("GET h:80 HTTP/1.1\r\nHost: h\r\n\r\n", 400, 30, NULL, false);
	incomplete("GET / HTTP/1.1\r\nHost: h\r\n\r");
	incomplete("GET / HTTP/1.1\r\nHost: h\r\n");
	incomplete("\r\n\r\n");
	incomplete("");
	/* 8 KiB without an end: 431 */
	memset(big, 'a', sizeof(big));
	CHECK(pfx_httpreq_parse(big, sizeof(big), &r) == 1 && r.status == 431 &&
	      r.head_len == PFX_HTTPREQ_HEAD_MAX, "a head over 8 KiB");
	CHECK(pfx_httpreq_parse(big, PFX_HTTPREQ_HEAD_MAX - 1, &r) == 0, "a head under 8 KiB refused");
}

/* The query of a target, and its parameters (/debug/pprof/faults) */
static void queries(void)
{
	const char *q1 = "GET /debug/pprof/faults?seconds=3&weight=latency#f HTTP/1.1\r\nHost: h\r\n\r\n";
	const char *q2 = "GET http://h?seconds=&x HTTP/1.1\r\nHost: h\r\n\r\n";
	const char *q3 = "GET /metrics HTTP/1.1\r\nHost: h\r\n\r\n";
	struct pfx_httpreq r;
	const char *v = NULL;
	size_t n = 0;

	CHECK(pfx_httpreq_parse(q1, strlen(q1), &r) == 1 && r.status == 0 && r.query &&
	      r.query_len == 24 && memcmp(r.query, "seconds=3&weight=latency", 24) == 0, "query of q1");
	CHECK(pfx_httpreq_param(r.query, r.query_len, "seconds", &v, &n) == 1 && n == 1 && *v == '3',
	      "seconds=3");
	CHECK(pfx_httpreq_param(r.query, r.query_len, "weight", &v, &n) == 1 && n == 7 &&
	      memcmp(v, "latency", 7) == 0, "weight=latency");
	CHECK(pfx_httpreq_param(r.query, r.query_len, "second", &v, &n) == 0, "a prefix is no name");
	CHECK(pfx_httpreq_parse(q2, strlen(q2), &r) == 1 && r.path_len == 1 && r.query_len == 10,
	      "query of an absolute form without a path");
	CHECK(pfx_httpreq_param(r.query, r.query_len, "seconds", &v, &n) == 1 && n == 0, "seconds=");
	CHECK(pfx_httpreq_param(r.query, r.query_len, "x", &v, &n) == 1 && n == 0, "x without =");
	CHECK(pfx_httpreq_param("a=1&a=2", 7, "a", &v, &n) == -1, "a parameter twice");
	CHECK(pfx_httpreq_parse(q3, strlen(q3), &r) == 1 && !r.query && r.query_len == 0, "no query");
	CHECK(pfx_httpreq_param(NULL, 0, "seconds", &v, &n) == 0, "no query, no parameter");
}

int main(void)
{
	const enum pfx_metrics_format OM = PFX_METRICS_OPENMETRICS, TEXT = PFX_METRICS_PROMETHEUS;

	/* Prometheus 2.x's scrape header, and the text-only one it had before */
	negotiate("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
		  "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", OM);
	negotiate("text/plain;version=0.0.4;q=1,*/*;q=0.1", TEXT);
	negotiate(NULL, TEXT);
	negotiate("", TEXT);
	negotiate("*/*", TEXT);
	negotiate("application/openmetrics-text", OM);
	negotiate("application/openmetrics-text; version=1.0.0; charset=utf-8", OM);
	negotiate("Application/OpenMetrics-Text ; q=0.9 , text/plain;q=0.5", OM);
	negotiate("text/plain;q=0.9, application/openmetrics-text;q=0.5", TEXT);
	negotiate("application/openmetrics-text;version=2.0.0", TEXT);	/* not written */
	negotiate("application/openmetrics-text;q=0", TEXT);
	negotiate("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily", TEXT);
	negotiate(",,;;=,q=;", TEXT);

	label("plain", "plain");
	label("a\"b\\c\nd", "a\\\"b\\\\c\\nd");
	label("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	label("x\xffy", "x\\\\xffy");			/* a stray byte */
	label("\xc0\xaf", "\\\\xc0\\\\xaf");			/* overlong '/' */
	label("\xed\xa0\x80", "\\\\xed\\\\xa0\\\\x80");	/* a surrogate */
	label("\xe2\x82", "\\\\xe2\\\\x82");			/* cut short (a truncated comm) */
	label("\x1b]0;t\x07\xc2\x9b", "\\\\x1b]0;t\\\\x07\\\\xc2\\\\x9b");	/* a title, a C1 CSI */
	label("tab\there", "tab\there");

	listen_ok("127.0.0.1:9456", "127.0.0.1", 9456);
	listen_ok("[::1]:0", "::1", 0);
	listen_ok(":80", "", 80);
	listen_ok("9456", "127.0.0.1", 9456);
	listen_ok("localhost:65535", "localhost", 65535);
	listen_bad("");
	listen_bad("127.0.0.1");
	listen_bad("127.0.0.1:");
	listen_bad("127.0.0.1:65536");
	listen_bad("127.0.0.1:-1");
	listen_bad("127.0.0.1:http");
	listen_bad("::1:9456");
	listen_bad("[::1]9456");
	listen_bad("[]:9456");
	listen_bad("http://127.0.0.1:9456");
	listen_bad("a b:1");

	requests();
	queries();

	if (failures)
		return 1;
	printf("ok\n");
	return 0;
}
