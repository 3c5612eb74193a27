/* SPDX-License-Identifier: GPL-2.0-or-later */
/* numa_maps: sum /proc/PID/numa_maps per node (see numa_maps.h for what
 * the kernel's fields mean).  Each line is read twice: once for its
 * totals (anon=, kernelpagesize_kB= and the node counts, which the kernel
 * prints in that order but we do not rely on), then to add its node
 * counts in the unit the first pass found. */
#include "config.h"
#include "numa_maps.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What one mapping's line says, before its node counts are added. */
struct line_totals {
	uint64_t pages;		/* sum of N<node>= */
	uint64_t anon;		/* anon= */
	uint64_t page_kb;	/* kernelpagesize_kB= */
	bool hugetlb;		/* the "huge" word: a hugetlbfs mapping */
};

/* The decimal number at *p; moves *p past it.  false if there is none. */
static bool take_number(const char **p, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (uint64_t)(*s - '0');
	*p = s;
	*out = v;
	return true;
}

static bool word_is(const char *w, size_t len, const char *s)
{
	return strlen(s) == len && memcmp(w, s, len) == 0;
}

/* "N<node>=<count>" at w (len bytes): true with node and count. */
static bool node_count(const char *w, size_t len, uint64_t *node, uint64_t *count)
{
	const char *p = w + 1;

	if (len < 4 || w[0] != 'N' || !take_number(&p, node) || *p++ != '=')
		return false;
	return take_number(&p, count) && p == w + len;
}

/* "<key>=<number>" at w: true with the number. */
static bool key_number(const char *w, size_t len, const char *key, uint64_t *out)
{
	size_t klen = strlen(key);
	const char *p = w + klen + 1;

	if (len <= klen + 1 || memcmp(w, key, klen) != 0 || w[klen] != '=')
		return false;
	return take_number(&p, out) && p == w + len;
}

/* The next space-separated word of [*p, end) in *w, *len; false when
 * there is none.  Moves *p past it. */
static bool next_word(const char **p, const char *end, const char **w, size_t *len)
{
	const char *s = *p;

	while (s < end && *s == ' ')
		s++;
	if (s >= end)
		return false;
	*w = s;
	while (s < end && *s != ' ')
		s++;
	*len = (size_t)(s - *w);
	*p = s;
	return true;
}

/* The words after the address and policy: [p, end). */
static int first_pass(const char *p, const char *end, struct line_totals *t)
{
	const char *w;
	size_t len;

	while (next_word(&p, end, &w, &len)) {
		uint64_t node, count;

		if (node_count(w, len, &node, &count)) {
			if (node >= PFX_NUMA_MAX_NODES)
				return -ERANGE;
			t->pages += count;
		} else if (word_is(w, len, "huge")) {
			t->hugetlb = true;
		} else if (!key_number(w, len, "anon", &t->anon)) {
			key_number(w, len, "kernelpagesize_kB", &t->page_kb);
		}
	}
	return 0;
}

static void add_nodes(const char *p, const char *end, const struct line_totals *t,
		      struct pfx_numa_usage *u)
{
	bool all_anon = !t->hugetlb && t->pages > 0 && t->anon == t->pages;
	const char *w;
	size_t len;

	while (next_word(&p, end, &w, &len)) {
		uint64_t node, count;

		if (!node_count(w, len, &node, &count))
			continue;
		u->node_kb[node] += count * t->page_kb;
		if (all_anon)
			u->node_anon_kb[node] += count * t->page_kb;
		if (count && node + 1 > u->n_nodes)
			u->n_nodes = (size_t)node + 1;
	}
	u->total_kb += t->pages * t->page_kb;
	if (t->hugetlb) {
		u->hugetlb_kb += t->pages * t->page_kb;
		return;
	}
	u->anon_kb += t->anon * t->page_kb;
	if (!all_anon)
		u->anon_unplaced_kb += t->anon * t->page_kb;
}

/* One line [line, end): "ADDR POLICY WORDS...". */
static int parse_line(const char *line, const char *end, uint64_t default_page_kb,
		      struct pfx_numa_usage *u)
{
	struct line_totals t = { .page_kb = default_page_kb };
	size_t addr_len = strspn(line, "0123456789abcdef");
	const char *words = line + addr_len, *policy;
	size_t policy_len;
	int err;

	/* The policy (default, bind:0, interleave:0-1, ...) must be there. */
	if (addr_len == 0 || *words != ' ' || !next_word(&words, end, &policy, &policy_len))
		return -EINVAL;
	err = first_pass(words, end, &t);
	if (err)
		return err;
	add_nodes(words, end, &t, u);
	u->mappings++;
	return 0;
}

int pfx_numa_maps_parse(const char *text, struct pfx_numa_usage *out)
{
	long page_size = sysconf(_SC_PAGESIZE);
	uint64_t default_page_kb = page_size > 0 ? (uint64_t)page_size / 1024 : 4;
	const char *line = text;

	memset(out, 0, sizeof(*out));
	while (*line) {
		const char *end = line + strcspn(line, "\n");
		int err = end > line ? parse_line(line, end, default_page_kb, out) : 0;

		if (err)
			return err;
		line = *end ? end + 1 : end;
	}
	if (out->n_nodes == 0)
		out->n_nodes = 1;
	return 0;
}

void pfx_numa_usage_add(struct pfx_numa_usage *sum, const struct pfx_numa_usage *u)
{
	for (size_t i = 0; i < u->n_nodes && i < PFX_NUMA_MAX_NODES; i++) {
		sum->node_kb[i] += u->node_kb[i];
		sum->node_anon_kb[i] += u->node_anon_kb[i];
	}
	if (u->n_nodes > sum->n_nodes)
		sum->n_nodes = u->n_nodes;
	sum->total_kb += u->total_kb;
	sum->anon_kb += u->anon_kb;
	sum->anon_unplaced_kb += u->anon_unplaced_kb;
	sum->hugetlb_kb += u->hugetlb_kb;
	sum->mappings += u->mappings;
}
