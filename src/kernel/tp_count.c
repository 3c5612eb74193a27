/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tp_count: per-CPU tracepoint counters, summed when read. */
#include "config.h"
#include "tp_count.h"
#include "perf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pfx_tp_count {
	size_t n_events, n_cpus;
	int *fds;		/* [event * n_cpus + cpu], -1 where not counted */
	bool *has;		/* [event] */
};

/* Open one event on every CPU.  0, -ENOENT if the kernel lacks it, -errno. */
static int open_event(struct pfx_tp_count *tc, size_t i, enum pfx_event_id id, const int *cpus)
{
	struct perf_event_attr attr;
	int err;

	memset(&attr, 0, sizeof(attr));
	err = pfx_event_attr(id, &attr);
	if (err)
		return err;
	for (size_t c = 0; c < tc->n_cpus; c++) {
		int fd = pfx_perf_open(&attr, -1, cpus[c], -1, 0);

		if (fd < 0)
			return fd;
		tc->fds[i * tc->n_cpus + c] = fd;
	}
	tc->has[i] = true;
	return 0;
}

static int open_all(struct pfx_tp_count *tc, const enum pfx_event_id *ids, const int *cpus)
{
	bool any = false;

	for (size_t i = 0; i < tc->n_events; i++) {
		int err = open_event(tc, i, ids[i], cpus);

		if (err && err != -ENOENT)
			return err;
		any = any || !err;
	}
	return any ? 0 : -ENOENT;
}

int pfx_tp_count_open(const enum pfx_event_id *ids, size_t n, struct pfx_tp_count **out)
{
	struct pfx_tp_count *tc = calloc(1, sizeof(*tc));
	int *cpus = NULL;
	int err;

	if (!tc)
		return -ENOMEM;
	err = pfx_perf_online_cpus(&cpus, &tc->n_cpus);
	tc->n_events = n;
	if (!err) {
		size_t n_fds = n * tc->n_cpus;

		tc->fds = malloc((n_fds ? n_fds : 1) * sizeof(*tc->fds));
		for (size_t i = 0; tc->fds && i < n_fds; i++)
			tc->fds[i] = -1;
		tc->has = calloc(n ? n : 1, sizeof(*tc->has));
		err = tc->fds && tc->has ? 0 : -ENOMEM;
	}
	if (!err)
		err = open_all(tc, ids, cpus);
	free(cpus);
	if (err) {
		pfx_tp_count_close(tc);
		return err;
	}
	*out = tc;
	return 0;
}

bool pfx_tp_count_has(const struct pfx_tp_count *tc, size_t i)
{
	return i < tc->n_events && tc->has[i];
}

int pfx_tp_count_read(const struct pfx_tp_count *tc, size_t i, uint64_t *value)
{
	*value = 0;
	if (!pfx_tp_count_has(tc, i))
		return -ENOENT;
	for (size_t c = 0; c < tc->n_cpus; c++) {
		uint64_t v;
		int err = pfx_perf_read_count(tc->fds[i * tc->n_cpus + c], &v);

		if (err)
			return err;
		*value += v;
	}
	return 0;
}

void pfx_tp_count_close(struct pfx_tp_count *tc)
{
	if (!tc)
		return;
	for (size_t i = 0; tc->fds && i < tc->n_events * tc->n_cpus; i++)
		if (tc->fds[i] >= 0)
			close(tc->fds[i]);
	free(tc->fds);
	free(tc->has);
	free(tc);
}
