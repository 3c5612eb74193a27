/* SPDX-License-Identifier: GPL-2.0-or-later */
/* diff_output: 'pfx diff' as text tables or one JSON document (schema in
 * doc/report.md, "pfx diff"): a comparison (compare.h) of two analyses. */
#ifndef PFX_DIFF_OUTPUT_H
#define PFX_DIFF_OUTPUT_H

#include <stdio.h>

#include "output.h"
#include "compare.h"

/* file_a, file_b: the recordings' names; top: rows per section (0: 20). */
void pfx_diff_print(FILE *fp, const struct pfx_compare *c, const char *file_a, const char *file_b,
		    enum pfx_format format, unsigned top);

#endif
