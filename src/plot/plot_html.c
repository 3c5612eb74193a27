/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plot_html: the --all page.  Plain HTML with a little CSS, no script:
 * it opens from a file:// URL, an attachment or a mail. */
#include "config.h"
#include "plot_html.h"
#include "output.h"
#include "safetext.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>

/* Text or attribute value: made safe, then the five characters HTML
 * gives meaning escaped. */
static void html(FILE *fp, const char *s)
{
	char safe[PFX_SAFETEXT_BUF(PATH_MAX)];

	pfx_safetext(safe, sizeof(safe), s);
	for (const char *p = safe; *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default:
			fputc(*p, fp);
		}
	}
}

static void write_chart(FILE *fp, const struct pfx_plot_page_chart *c)
{
	fputs("<section>\n<h2>", fp);
	html(fp, c->name);
	fputs(": ", fp);
	html(fp, c->summary);
	fputs("</h2>\n", fp);
	if (c->skipped) {
		fputs(c->failed ? "<p class=\"failed\">Drawing it failed: " :
		      "<p class=\"skipped\">Not drawn: ", fp);
		html(fp, c->skipped);
		fputs("</p>\n</section>\n", fp);
		return;
	}
	fputs("<p class=\"sub\">", fp);
	html(fp, c->subtitle);
	/* chart names are pfx's own ("timeline"), no user text */
	fprintf(fp, "</p>\n<img src=\"%s.svg\" alt=\"the %s chart\">\n"
		"<p class=\"files\"><a href=\"%s.svg\">%s.svg</a> <a href=\"%s.png\">%s.png</a></p>\n"
		"</section>\n", c->name, c->name, c->name, c->name, c->name, c->name);
}

int pfx_plot_write_page(const char *path, const struct pfx_plot_page *page)
{
	struct pfx_outfile out;
	int err = pfx_outfile_create(&out, path);
	FILE *fp;

	if (err)
		return err;
	fp = out.fp;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>pfx charts: ", fp);
	html(fp, page->input);
	fputs("</title>\n<style>\n"
	      "body { font-family: 'DejaVu Sans', sans-serif; max-width: 960px; margin: 1em auto; color: #222; }\n"
	      "table { border-collapse: collapse; } td, th { text-align: left; padding: 2px 12px 2px 0; vertical-align: top; } th { white-space: nowrap; }\n"
	      "img { width: 100%; max-width: 900px; border: 1px solid #ddd; }\n"
	      ".sub { color: #555; } .skipped { color: #a33; } .failed { color: #c00; font-weight: bold; } section { margin: 2em 0; }\n"
	      "</style>\n</head>\n<body>\n<h1>pfx charts of ", fp);
	html(fp, page->input);
	fputs("</h1>\n<p>Drawn by <code>pfx plot --all</code> from the output of <code>", fp);
	html(fp, page->from);
	fputs("</code>.</p>\n<table>\n", fp);
	for (size_t i = 0; i < page->n_facts; i++) {
		fputs("<tr><th>", fp);
		html(fp, page->facts[i].name);
		fputs("</th><td>", fp);
		html(fp, page->facts[i].value);
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
	for (size_t i = 0; i < page->n_charts; i++)
		write_chart(fp, &page->charts[i]);
	fputs("</body>\n</html>\n", fp);
	if (ferror(fp)) {
		pfx_outfile_abort(&out);
		return -EIO;
	}
	return pfx_outfile_commit(&out);
}
