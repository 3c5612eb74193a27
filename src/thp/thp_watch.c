/* SPDX-License-Identifier: GPL-2.0-or-later */
/* thp_watch: samples of one process and the system, and the arithmetic
 * between them.  Each sample reads the fault counters first and the
 * files after, so a fault taken while the files are read lands in the
 * next row's count while its huge page may already be in this row: rows
 * can disagree by one fault at their edges, the summary cannot. */
#include "config.h"
#include "thp_watch.h"
#include "tp_count.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const enum pfx_event_id tp_events[PFX_THP_TP_COUNT] = {
	[PFX_THP_TP_SCAN_PMD] = PFX_EV_THP_SCAN_PMD,
	[PFX_THP_TP_COLLAPSE] = PFX_EV_THP_COLLAPSE,
	[PFX_THP_TP_COLLAPSE_FILE] = PFX_EV_THP_COLLAPSE_FILE,
	[PFX_THP_TP_MIGRATE] = PFX_EV_MIGRATE_PAGES,
};

struct pfx_thp_watch {
	const char *root;
	pid_t pid;
	struct pfx_counter *counter;
	struct pfx_tp_count *tp;
	struct pfx_thp_source *src;
	struct pfx_thp_policy policy;
	struct pfx_thp_sample base, samples[2], last_target;
	unsigned cur;		/* samples[cur] is the newest */
	size_t rows;
	uint64_t peak_kb, gained, lost;
	bool target_seen;
	bool has_rusage;
	struct rusage rusage;
};

const char *pfx_thp_tp_name(enum pfx_thp_tp t)
{
	const struct pfx_event_info *info =
		(unsigned)t < PFX_THP_TP_COUNT ? pfx_event_info(tp_events[t]) : NULL;

	return info ? info->name : "?";
}

int pfx_thp_watch_new(const char *root, pid_t pid, struct pfx_thp_watch **out)
{
	struct pfx_thp_watch *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->root = root ? root : "";
	w->pid = pid;
	*out = w;
	return 0;
}

int pfx_thp_watch_open_faults(struct pfx_thp_watch *w, bool launched)
{
	struct pfx_counter_target target = { .pid = w->pid, .launched = launched };
	struct pfx_counter_opts opts = { .source = PFX_SOURCE_AUTO };

	return pfx_counter_open(&w->counter, &target, 1, &opts);
}

const struct pfx_counter *pfx_thp_watch_counter(const struct pfx_thp_watch *w)
{
	return w->counter;
}

int pfx_thp_watch_open_tracepoints(struct pfx_thp_watch *w)
{
	return pfx_tp_count_open(tp_events, PFX_THP_TP_COUNT, &w->tp);
}

int pfx_thp_watch_open_system(struct pfx_thp_watch *w)
{
	int err = pfx_thp_source_open(w->root, &w->src);

	return err ? err : pfx_thp_read_policy(w->root, &w->policy);
}

int pfx_thp_watch_open_target(struct pfx_thp_watch *w, bool children)
{
	if (children)
		pfx_thp_source_follow_children(w->src);
	return pfx_thp_source_open_target(w->src, w->pid);
}

const struct pfx_thp_source *pfx_thp_watch_source(const struct pfx_thp_watch *w)
{
	return w->src;
}

const struct pfx_thp_policy *pfx_thp_watch_policy(const struct pfx_thp_watch *w)
{
	return &w->policy;
}

static void read_tracepoints(const struct pfx_thp_watch *w, struct pfx_thp_sample *s)
{
	for (unsigned t = 0; t < PFX_THP_TP_COUNT; t++)
		s->tp_ok[t] = w->tp && pfx_tp_count_read(w->tp, t, &s->tp[t]) == 0;
}

/* Fill *s (read_target false: the target's part stays empty).  0 or
 * -errno; a target gone is s->target_ok false. */
static int take_sample(struct pfx_thp_watch *w, struct pfx_thp_sample *s, bool read_target)
{
	int err = 0;

	s->time_ns = pfx_now_ns();
	s->faults_ok = w->counter && pfx_counter_read(w->counter, 0, &s->faults) == 0;
	if (read_target)
		err = pfx_thp_read_target(w->src, &s->rollup, &s->numa);
	s->target_ok = err == 0;
	s->numa_ok = read_target && s->target_ok && pfx_thp_source_has_numa(w->src);
	if (err && err != -ESRCH)
		return err;
	err = pfx_thp_read_vmstat(w->src, &s->vmstat);
	if (err)
		return err;
	read_tracepoints(w, s);
	return 0;
}

static void note_target(struct pfx_thp_watch *w, const struct pfx_thp_sample *s)
{
	if (!s->target_ok)
		return;
	if (!w->target_seen || s->rollup.anon_huge_kb > w->peak_kb)
		w->peak_kb = s->rollup.anon_huge_kb;
	w->target_seen = true;
	w->last_target = *s;
}

int pfx_thp_watch_begin(struct pfx_thp_watch *w, bool at_exec)
{
	int err = take_sample(w, &w->base, !at_exec);

	if (err)
		return err;
	if (!w->base.target_ok)
		return -ESRCH;
	/* A new address space has no huge pages: a known 0, not an absent line. */
	w->base.rollup.has_anon_huge = w->base.rollup.has_anon_huge || at_exec;
	w->samples[0] = w->base;
	w->cur = 0;
	note_target(w, &w->base);
	return 0;
}

static struct pfx_live_counts fault_delta(const struct pfx_thp_sample *a, const struct pfx_thp_sample *b)
{
	struct pfx_live_counts d = { 0 };

	if (a->faults_ok && b->faults_ok) {
		d.faults = b->faults.faults - a->faults.faults;
		d.minor = b->faults.minor - a->faults.minor;
		d.major = b->faults.major - a->faults.major;
	}
	return d;
}

/* AnonHugePages moved from a to b: whole huge pages gained or lost. */
static void huge_change(const struct pfx_thp_watch *w, const struct pfx_thp_sample *a,
			const struct pfx_thp_sample *b, struct pfx_thp_row *row)
{
	uint64_t unit = w->policy.huge_page_kb ? w->policy.huge_page_kb : 2048;

	row->huge_known = a->target_ok && b->target_ok && a->rollup.has_anon_huge && b->rollup.has_anon_huge;
	row->huge_gained = row->huge_lost = 0;
	if (!row->huge_known)
		return;
	if (b->rollup.anon_huge_kb >= a->rollup.anon_huge_kb)
		row->huge_gained = (b->rollup.anon_huge_kb - a->rollup.anon_huge_kb) / unit;
	else
		row->huge_lost = (a->rollup.anon_huge_kb - b->rollup.anon_huge_kb) / unit;
}

static void tp_delta(const struct pfx_thp_sample *a, const struct pfx_thp_sample *b, uint64_t *out)
{
	for (unsigned t = 0; t < PFX_THP_TP_COUNT; t++)
		out[t] = a->tp_ok[t] && b->tp_ok[t] ? b->tp[t] - a->tp[t] : 0;
}

int pfx_thp_watch_next(struct pfx_thp_watch *w, struct pfx_thp_row *row)
{
	const struct pfx_thp_sample *prev = &w->samples[w->cur];
	struct pfx_thp_sample *cur = &w->samples[w->cur ^ 1];
	int err = take_sample(w, cur, true);

	if (err)
		return err;
	w->cur ^= 1;
	row->cur = cur;
	row->time_s = (double)(cur->time_ns - w->base.time_ns) / 1e9;
	row->window_s = (double)(cur->time_ns - prev->time_ns) / 1e9;
	row->faults = fault_delta(prev, cur);
	huge_change(w, prev, cur, row);
	pfx_vmstat_delta(&prev->vmstat, &cur->vmstat, &row->vmstat);
	tp_delta(prev, cur, row->tp);
	w->gained += row->huge_gained;
	w->lost += row->huge_lost;
	note_target(w, cur);
	w->rows++;
	return 0;
}

void pfx_thp_watch_target_exited(struct pfx_thp_watch *w, const struct rusage *ru)
{
	if (w->counter)
		pfx_counter_target_exited(w->counter, 0, ru);
	if (ru) {
		w->has_rusage = true;
		w->rusage = *ru;
	}
}

void pfx_thp_watch_summary(const struct pfx_thp_watch *w, struct pfx_thp_summary *out)
{
	const struct pfx_thp_sample *last = &w->samples[w->cur];

	memset(out, 0, sizeof(*out));
	out->seconds = (double)(last->time_ns - w->base.time_ns) / 1e9;
	out->rows = w->rows;
	out->faults_ok = last->faults_ok && w->base.faults_ok;
	out->faults = fault_delta(&w->base, last);
	out->has_rusage = w->has_rusage;
	out->rusage_minor = (uint64_t)w->rusage.ru_minflt;
	out->rusage_major = (uint64_t)w->rusage.ru_majflt;
	out->target_seen = w->target_seen;
	out->anon_huge_known = w->target_seen && w->last_target.rollup.has_anon_huge;
	out->anon_huge_kb_first = w->base.rollup.anon_huge_kb;
	out->anon_huge_kb_peak = w->peak_kb;
	out->anon_huge_kb_last = w->last_target.rollup.anon_huge_kb;
	out->huge_gained = w->gained;
	out->huge_lost = w->lost;
	out->last_target = w->target_seen ? &w->last_target : NULL;
	out->last_target_s = (double)(w->last_target.time_ns - w->base.time_ns) / 1e9;
	pfx_vmstat_delta(&w->base.vmstat, &last->vmstat, &out->vmstat);
	for (unsigned t = 0; t < PFX_THP_TP_COUNT; t++)
		out->tp_ok[t] = w->base.tp_ok[t] && last->tp_ok[t];
	tp_delta(&w->base, last, out->tp);
}

void pfx_thp_watch_free(struct pfx_thp_watch *w)
{
	if (!w)
		return;
	if (w->counter)
		pfx_counter_close(w->counter);
	pfx_tp_count_close(w->tp);
	pfx_thp_source_close(w->src);
	free(w);
}
