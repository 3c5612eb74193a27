/* wssfile: reads the samples 'pfx wss --format json' writes, one JSON
 * object per line:
 *   {"time": 1.25, "wss_bytes": 67108864, "rss_bytes": 70254592, "method": "...", ...}
 * Other keys are ignored; lines without "wss_bytes" (summaries, headers)
 * are skipped.  Only what 'pfx plot wss' needs is decoded. */
#ifndef PFX_WSSFILE_H
#define PFX_WSSFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct pfx_wssfile_sample {
	double time_s;		/* since sampling started */
	uint64_t wss_bytes;
	uint64_t rss_bytes;
	bool has_rss;
	char method[32];	/* "" if the line names none */
};

/* Next sample from fp: 1 = *sample filled, 0 = end of file, -EBADMSG =
 * a line that is not a sample object (*line_no says which line).
 * *line_no counts lines read so far; start it at 0. */
int pfx_wssfile_next(FILE *fp, struct pfx_wssfile_sample *sample, unsigned long *line_no);

#endif
