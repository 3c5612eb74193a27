/* SPDX-License-Identifier: GPL-2.0-or-later */
/* rec-rewrite IN OUT: the items of a record file of any version the
 * reader knows, written again by this build's writer (its version).  A
 * format change is checked by viewing both files: the same events must
 * show the same (tests/bench/compare-views.sh with PFX_REWRITE). */
#include "config.h"
#include "recfile.h"

#include <stdio.h>

int main(int argc, char **argv)
{
	struct pfx_rec_reader *r;
	struct pfx_rec_writer *w;
	struct pfx_rec_header h;
	struct pfx_rec_totals t;
	struct pfx_rec_item it;
	int ret;

	if (argc != 3) {
		fprintf(stderr, "usage: rec-rewrite IN OUT\n");
		return 2;
	}
	ret = pfx_rec_reader_open(&r, argv[1]);
	if (ret < 0) {
		fprintf(stderr, "rec-rewrite: %s: %s\n", argv[1], pfx_rec_strerror(ret));
		return 1;
	}
	h = *pfx_rec_reader_header(r);
	ret = pfx_rec_writer_open(&w, argv[2], &h, true);
	if (ret < 0) {
		fprintf(stderr, "rec-rewrite: %s: %s\n", argv[2], pfx_rec_strerror(ret));
		pfx_rec_reader_close(r);
		return 1;
	}
	while ((ret = pfx_rec_next(r, &it)) == 1 && (ret = pfx_rec_write(w, &it)) == 0)
		;
	if (ret == 0)
		ret = pfx_rec_reader_totals(r, &t);
	if (ret == 0)
		ret = pfx_rec_writer_close(w, &t);
	else
		pfx_rec_writer_abort(w);
	pfx_rec_reader_close(r);
	if (ret < 0) {
		fprintf(stderr, "rec-rewrite: %s\n", pfx_rec_strerror(ret));
		return 1;
	}
	return 0;
}
