/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-metrics: the pieces of 'pfx serve' that take no kernel: the format
 * an Accept header asks for (Prometheus's own header, q values, versions,
 * wildcards, junk), label values escaped and made UTF-8 (quotes,
 * backslashes, newlines, stray bytes, overlong and surrogate forms), and
 * --listen addresses. */
#include "config.h"
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

	if (failures)
		return 1;
	printf("ok\n");
	return 0;
}
