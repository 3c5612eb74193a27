/* SPDX-License-Identifier: GPL-2.0-or-later */
/* session: one 'pfx record' run: the target, the fault source picked by
 * policy, the drain loop, the totals (see session.h).  The command only
 * parses and words what this returns. */
#include "config.h"
#include "session.h"
#include "fault_source.h"
#include "perf.h"
#include "sig.h"
#include "target.h"
#include "util.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#define POLL_MS 250			/* drain at least this often */
#define SETTLE_ROUNDS 20		/* at the end, wait up to 20 x 500 us for samples */
#define SETTLE_US 500			/* ... counted but not yet in a ring */
#define POLL_MS_BUSY 1			/* tracefs: this often for BUSY_MS after a fork or exec */
#define BUSY_MS 300
#define POLL_MS_START 10		/* ... and during the first second, this often,
					 * so mappings are seen while /proc still has
					 * the process (heap naming, see recorder.c);
					 * tracefs always: it learns every process's
					 * mappings from /proc at the drain after its
					 * fork or exec, and a short-lived child must
					 * still be there (doc/tracefs.md) */

struct pfx_session {
	struct pfx_session_opts opts;
	struct pfx_target target;
	bool started;			/* the launched command was let exec */
	bool finished;			/* the file is in place */
	pid_t *tids;			/* attach: the threads at the start */
	size_t ntids;
	const struct pfx_source_ops *ops;	/* NULL until opened */
	void *state;
	struct pfx_session_try passed_over;
	struct pfx_session_info info;
	struct pfx_counter *exact;	/* tracefs: exact minor/major from /proc */
	struct pfx_live_counts exact_counts;
	struct pfx_recorder *rec;
	struct pfx_flight *flight;	/* --flight */
	unsigned next_dump;		/* the suffix the next dump tries first */
	struct pfx_session_result result;
};

static int fail(struct pfx_session_reason *why, enum pfx_session_step step, int err)
{
	why->step = step;
	why->err = err;
	return err;
}

/* Open the source named name; its error, why and hint go to the next
 * slot of why->tried. */
static int try_source(struct pfx_session *s, const char *name, const struct pfx_source_opts *so,
		      struct pfx_session_reason *why)
{
	const struct pfx_source_ops *ops = pfx_source_find(name);
	struct pfx_session_try *t = &why->tried[why->ntried++];
	const char *hint;

	t->source = name;
	t->err = ops->open(&s->state, so, t->why, sizeof(t->why));
	if (t->err == 0) {
		s->ops = ops;
		return 0;
	}
	s->state = NULL;
	hint = ops->hint(t->err, so, t->hint, sizeof(t->hint));
	if (hint != t->hint)
		snprintf(t->hint, sizeof(t->hint), "%s", hint);
	return t->err;
}

/* tracefs (no minor/major completion events there, so no latency, and
 * major faults are inferred): the totals come from /proc. */
static int open_tracefs(struct pfx_session *s, const struct pfx_source_opts *so,
			struct pfx_session_reason *why)
{
	const struct pfx_counter_target ct = { .pid = s->target.pid, .launched = s->target.launched };
	const struct pfx_counter_opts copts = { .source = PFX_SOURCE_PROC };
	int err = try_source(s, "tracefs", so, why);

	if (err < 0)
		return fail(why, PFX_SESSION_SOURCE, err);
	err = pfx_counter_open(&s->exact, &ct, 1, &copts);
	if (err < 0)
		return fail(why, PFX_SESSION_EXACT, err);
	return 0;
}

static void close_cgroups(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
}

/* -G: an fd of each cgroup's perf_event directory.  0 or -errno. */
static int open_cgroups(const char *list, int **fds, size_t *n, struct pfx_session_reason *why)
{
	char *copy = strdup(list), *save = NULL;
	int err = 0;

	*fds = calloc(strlen(list) + 1, sizeof(**fds));
	*n = 0;
	if (!copy || !*fds)
		err = fail(why, PFX_SESSION_MEMORY, -ENOMEM);
	for (char *name = err ? NULL : strtok_r(copy, ",", &save); name && !err;
	     name = strtok_r(NULL, ",", &save)) {
		struct pfx_cgroup *cg = &why->cgroup;
		int fd;

		snprintf(why->cgroup_arg, sizeof(why->cgroup_arg), "%s", name);
		err = pfx_cgroup_resolve(name, cg, why->where, sizeof(why->where));
		if (err)
			fail(why, PFX_SESSION_CGROUP_FIND, err);
		else if (!cg->perf_dir[0])
			err = fail(why, PFX_SESSION_CGROUP_PERF, -ENOENT);
		else if ((fd = pfx_cgroup_open_perf(cg)) < 0)
			err = fail(why, PFX_SESSION_CGROUP_OPEN, fd);
		else
			(*fds)[(*n)++] = fd;
	}
	if (!err && !*n)
		err = fail(why, PFX_SESSION_CGROUP_NONE, -EINVAL);
	free(copy);
	return err;
}

/* The policy: the source asked for, or perf, else (perf events denied,
 * one process) tracefs.  Host wide needs perf: CPU-wide sampling. */
static int open_source(struct pfx_session *s, struct pfx_session_reason *why)
{
	const struct pfx_session_opts *o = &s->opts;
	struct pfx_source_opts so = { .callchain = o->callchain, .entry = o->entry,
				       .entry_period = o->latency_sample,
				       .dwarf_stack = o->dwarf_stack, .ring_pages = o->ring_pages,
				       .pid = s->target.pid, .enable_on_exec = s->target.launched,
				       .tids = s->tids, .ntids = s->ntids, .host_wide = o->host_wide };
	int *cgroup_fds = NULL;
	int err;

	if (o->source == PFX_SOURCE_TRACEFS)
		return open_tracefs(s, &so, why);
	if (o->cgroups && (err = open_cgroups(o->cgroups, &cgroup_fds, &so.ncgroups, why)) < 0) {
		close_cgroups(cgroup_fds, so.ncgroups);
		return err;
	}
	so.cgroup_fds = cgroup_fds;
	err = try_source(s, "perf", &so, why);
	close_cgroups(cgroup_fds, so.ncgroups);	/* the events hold the cgroups */
	so.cgroup_fds = NULL;
	so.ncgroups = 0;
	if (err == 0)
		return 0;
	if (pfx_perf_denied(err) && !o->host_wide && o->source == PFX_SOURCE_AUTO) {
		s->passed_over = why->tried[0];
		s->info.passed_over = &s->passed_over;
		return open_tracefs(s, &so, why);
	}
	return fail(why, PFX_SESSION_SOURCE, err);
}

int pfx_session_entry_parse(const char *name, enum pfx_entry_source *out)
{
	static const char *const names[] = { [PFX_ENTRY_NONE] = "none", [PFX_ENTRY_AUTO] = "auto",
					      [PFX_ENTRY_TRACEPOINT] = "tracepoint", [PFX_ENTRY_SW] = "sw" };

	for (size_t i = 0; i < PFX_ARRAY_SIZE(names); i++)
		if (strcmp(name, names[i]) == 0) {
			*out = (enum pfx_entry_source)i;
			return 0;
		}
	return -EINVAL;
}

int pfx_session_open(struct pfx_session **out, const struct pfx_session_opts *opts,
		     struct pfx_session_reason *why)
{
	struct pfx_session *s = calloc(1, sizeof(*s));
	int err;

	memset(why, 0, sizeof(*why));
	*out = NULL;
	if (!s)
		return fail(why, PFX_SESSION_MEMORY, -ENOMEM);
	s->opts = *opts;
	s->target.pidfd = s->target.start_fd = s->target.exec_err_fd = -1;
	/* A killed pfx's tracefs instance keeps tracing: end it, whatever
	 * source this run uses. */
	pfx_source_clean_stale(NULL);
	err = !opts->argv && !opts->pid ? 0 :
	      opts->argv ? pfx_target_launch(&s->target, opts->argv) : pfx_target_attach(&s->target, opts->pid);
	if (err < 0) {
		fail(why, PFX_SESSION_TARGET, err);
	} else if (!s->target.launched && !opts->host_wide &&
		   (err = pfx_list_tids(s->target.pid, &s->tids, &s->ntids)) < 0) {
		fail(why, PFX_SESSION_THREADS, err);
	} else {
		err = open_source(s, why);
	}
	why->pid = s->target.pid;
	if (err < 0) {
		pfx_session_close(s);
		return err;
	}
	s->info.source = s->ops->name;
	s->info.callchain_dropped = opts->callchain && !(s->ops->caps(s->state) & PFX_SOURCE_CALLCHAIN);
	*out = s;
	return 0;
}

const struct pfx_session_info *pfx_session_info(const struct pfx_session *s)
{
	return &s->info;
}

static void fill_header(struct pfx_rec_header *h, const struct pfx_session *s)
{
	const struct pfx_session_opts *o = &s->opts;
	struct utsname u;
	size_t len = 0;
	unsigned caps;

	memset(h, 0, sizeof(*h));
	h->page_size = (uint32_t)sysconf(_SC_PAGESIZE);
	h->start_realtime_ns = pfx_realtime_ns();
	if (uname(&u) == 0)
		snprintf(h->kernel, sizeof(h->kernel), "%s", u.release);
	/* A target's children have their own mappings too. */
	h->flags |= PFX_REC_PER_SPACE;
	if (o->host_wide) {
		h->flags |= PFX_REC_HOST_WIDE;
		len = (size_t)snprintf(h->command, sizeof(h->command), "%s%s%s",
				       o->cgroups ? "cgroup " : "system-wide", o->cgroups ? o->cgroups : "",
				       o->argv ? ", during " : "");
	}
	if (o->argv) {
		for (char **a = o->argv; *a && len + 2 < sizeof(h->command); a++) {
			int n = snprintf(h->command + len, sizeof(h->command) - len, "%s%s",
					 a == o->argv ? "" : " ", *a);

			len += n > 0 ? (size_t)n : 0;
		}
	} else if (!o->host_wide) {
		snprintf(h->command, sizeof(h->command), "pid %d", (int)o->pid);
	}
	caps = s->ops->caps(s->state);
	snprintf(h->source, sizeof(h->source), "%s", s->ops->name);
	snprintf(h->events, sizeof(h->events), "%s", s->ops->events(s->state));
	if (caps & PFX_SOURCE_ACCESS)
		h->flags |= PFX_REC_HAS_ERROR_CODE;
	if (caps & PFX_SOURCE_LATENCY)
		h->flags |= PFX_REC_HAS_LATENCY;
	if (caps & PFX_SOURCE_ENTRY_SW)
		h->flags |= PFX_REC_ENTRY_SW;
	if ((caps & PFX_SOURCE_LATENCY) && o->latency_sample > 1) {
		h->flags |= PFX_REC_LATENCY_SAMPLED;
		h->latency_sample = o->latency_sample;
	}
	if (caps & PFX_SOURCE_CALLCHAIN)
		h->flags |= PFX_REC_HAS_CALLCHAIN;
}

/* --max-size: hand events to the recorder until the file reaches the
 * size, then stop the drain (what the rings still hold is taken when the
 * recording ends: the file exceeds the size by at most that). */
static int sized_sample(const struct pfx_sample_event *ev, void *ctx)
{
	struct pfx_session *s = ctx;
	int err = pfx_recorder_sample(ev, s->rec);

	if (!err && pfx_recorder_bytes(s->rec) >= s->opts.max_size) {
		s->result.full = true;
		return 1;
	}
	return err;
}

static int drain(struct pfx_session *s)
{
	if (s->opts.max_size && !s->result.full) {
		int ret = s->ops->drain(s->state, sized_sample, s);

		return ret > 0 ? 0 : ret;
	}
	return s->ops->drain(s->state, pfx_recorder_sample, s->rec);
}

/* --flight: write the window to output.N, N the first free from the
 * last one up: never over a file already there. */
static void flight_dump(struct pfx_session *s, const char *why)
{
	struct pfx_flight_dump_info info;
	struct stat st;
	char path[4096];
	int err;

	do
		snprintf(path, sizeof(path), "%s.%u", s->opts.output, ++s->next_dump);
	while (lstat(path, &st) == 0 && s->next_dump < 1000000);
	err = pfx_flight_dump(s->flight, path, pfx_now_ns(), &info);
	if (err)
		s->result.dump_failures++;
	else
		s->result.dumps++;
	if (s->opts.on_dump)
		s->opts.on_dump(s->opts.on_dump_ctx, path, why, err ? NULL : &info, err);
}

/* --flight: a dump asked for by SIGUSR1 or another thread, or due after
 * a trigger. */
static void flight_poll(struct pfx_session *s)
{
	char what[256];

	if (pfx_sig_dump_requested())
		flight_dump(s, "SIGUSR1");
	if (s->opts.dump_request && atomic_exchange(s->opts.dump_request, 0))
		flight_dump(s, "request");
	if (pfx_flight_due(s->flight, pfx_now_ns(), what, sizeof(what)))
		flight_dump(s, what);
}

/* Poll the rings and the target (NULL: none, host-wide) until it exits,
 * pfx is told to stop, stop_ns passes or the file reaches --max-size. */
static int record_loop(struct pfx_session *s, struct pfx_target *t, uint64_t stop_ns)
{
	struct pollfd fds[1025];
	size_t n = s->ops->pollfds(s->state, fds, PFX_ARRAY_SIZE(fds) - 1);
	unsigned rounds = 0;
	uint64_t next_refresh = 0, busy_until = 0, tasks_seen = 0;
	int err;

	if (t && t->pidfd >= 0)
		fds[n++] = (struct pollfd){ .fd = t->pidfd, .events = POLLIN };
	for (;;) {
		int timeout = rounds++ < 100 || s->exact ? POLL_MS_START : POLL_MS;
		int ready;

		/* tracefs: a fork or exec was just seen; the next ones come in
		 * bursts (a compiler driver's cc1, as, ld): drain every
		 * POLL_MS_BUSY ms for a while, so a child that execs and exits
		 * within a few milliseconds is still in /proc at a drain. */
		if (s->exact && pfx_now_ns() < busy_until)
			timeout = POLL_MS_BUSY;

		/* tracefs: /proc's counts forget a process its parent reaped;
		 * keep the last reading recent (counter.h). */
		if (s->exact && pfx_now_ns() >= next_refresh) {
			pfx_counter_refresh(s->exact);
			next_refresh = pfx_now_ns() + PFX_COUNTER_REFRESH_MS * 1000000ull;
		}

		/* Wake for the end of a DURATION too. */
		if (stop_ns) {
			uint64_t now = pfx_now_ns(), left_ms = stop_ns > now ? (stop_ns - now) / 1000000 + 1 : 0;

			timeout = left_ms < (uint64_t)timeout ? (int)left_ms : timeout;
		}
		ready = poll(fds, n, timeout);

		if (ready < 0 && errno != EINTR)
			return -errno;
		err = drain(s);
		if (err)
			return err;
		if (s->flight)
			flight_poll(s);
		if (s->exact && pfx_recorder_stats(s->rec)->threads != tasks_seen) {
			tasks_seen = pfx_recorder_stats(s->rec)->threads;
			busy_until = pfx_now_ns() + BUSY_MS * 1000000ull;
		}
		if (pfx_sig_stop_requested() || (s->opts.stop_request && atomic_load(s->opts.stop_request)) ||
		    (stop_ns && pfx_now_ns() >= stop_ns) || s->result.full)
			return 0;
		if (t && pfx_target_poll_exit(t) != 0)
			break;
	}
	/* The target is gone: take what its last moments left in the rings. */
	return drain(s);
}

int pfx_session_run(struct pfx_session *s, struct pfx_session_reason *why)
{
	const struct pfx_session_opts *o = &s->opts;
	struct pfx_target *t = &s->target;
	struct pfx_rec_header h;
	uint64_t t0;
	int err;

	memset(why, 0, sizeof(*why));
	why->pid = t->pid;
	fill_header(&h, s);
	t0 = pfx_now_ns();
	if (o->flight) {
		if ((err = pfx_flight_open(&s->flight, o->flight, &h, t0)) < 0)
			return fail(why, PFX_SESSION_FLIGHT, err);
		err = pfx_recorder_open_flight(&s->rec, s->flight, &h, t0);
	} else {
		err = pfx_recorder_open(&s->rec, o->output, o->output_named, &h, t0);
	}
	if (err < 0)
		return fail(why, PFX_SESSION_CREATE, err);
	/* Host-wide events are enabled before the command runs, not at its exec. */
	if ((!t->launched || o->host_wide) && (err = s->ops->enable(s->state)) < 0)
		return fail(why, PFX_SESSION_ENABLE, err);
	if (t->launched) {
		err = pfx_target_start(t);
		s->started = err == 0;
		if (err < 0)
			return fail(why, PFX_SESSION_START, err);
	}
	/* Mappings that no MMAP2 record will announce ([stack], the exec'ed
	 * image while it loads, and everything of an attached process);
	 * host-wide, each process's at its first fault (recorder.c). */
	err = o->host_wide ? 0 : pfx_recorder_snapshot(s->rec, t->pid);
	if (err < 0 && err != -ESRCH)
		return fail(why, PFX_SESSION_SNAPSHOT, err);
	err = record_loop(s, t->launched || t->pid ? t : NULL,
			  o->duration_s > 0 ? pfx_now_ns() + (uint64_t)(o->duration_s * 1e9) : 0);
	if (err < 0)
		return fail(why, PFX_SESSION_WRITE, err);
	if (t->launched && !t->exited && pfx_sig_stop_signal())
		pfx_target_forward_signal(t, pfx_sig_stop_signal());
	return 0;
}

/* The tracefs source's totals: /proc's (wait4's for a reaped command; the
 * parent's cminflt for a process its parent reaped first: counter.h), when
 * the kernel's count is known.  Else (the process and its parent gone)
 * the file keeps the totals of the faults seen, not a lower bound labelled
 * exact.  True when the totals are the kernel's. */
static bool set_exact_totals(struct pfx_session *s)
{
	const struct pfx_target *t = &s->target;

	if (t->exited)
		pfx_counter_target_exited(s->exact, 0, t->launched ? &t->rusage : NULL);
	if (pfx_counter_read(s->exact, 0, &s->exact_counts) != 0 ||
	    pfx_counter_end(s->exact, 0) == PFX_COUNT_END_LAST_READ)
		return false;
	/* Faults were seen but /proc counted none: not a count to trust. */
	if (!s->exact_counts.minor && !s->exact_counts.major && pfx_recorder_stats(s->rec)->faults)
		return false;
	pfx_recorder_set_exact_totals(s->rec, s->exact_counts.minor, s->exact_counts.major);
	return true;
}

/* The perf source's counted faults: stop the events, take what the rings
 * still hold, then read the kernel's counts, so every fault after the last
 * drain is either in the file or counted as lost. */
static int set_counted(struct pfx_session *s)
{
	struct pfx_session_result *r = &s->result;
	uint64_t minor, major;
	int err;

	s->ops->disable(s->state);
	err = s->ops->drain(s->state, pfx_recorder_sample, s->rec);
	if (err < 0)
		return err;
	if (s->ops->counts(s->state, &minor, &major) == 0) {
		pfx_recorder_set_counted(s->rec, minor, major);
		r->counted = minor + major;
		r->has_counted = true;
	}
	/* The disable reaches a CPU by an interrupt, which can land inside
	 * a fault between the event's count and its sample: that sample is
	 * written a moment after the drain.  Wait for such, briefly. */
	for (int i = 0; i < SETTLE_ROUNDS && r->has_counted && !err &&
			pfx_recorder_stats(s->rec)->faults < r->counted; i++) {
		usleep(SETTLE_US);
		err = s->ops->drain(s->state, pfx_recorder_sample, s->rec);
	}
	return err < 0 ? err : 0;
}

int pfx_session_finish(struct pfx_session *s, struct pfx_session_reason *why)
{
	struct pfx_session_result *r = &s->result;
	const struct pfx_target *t = &s->target;
	int err = 0;

	memset(why, 0, sizeof(*why));
	why->pid = t->pid;
	if (s->exact) {
		r->proc_totals = true;
		r->exact = set_exact_totals(s);
		r->from_parent = pfx_counter_end(s->exact, 0) == PFX_COUNT_END_PARENT;
		r->proc_minor = s->exact_counts.minor;
		r->proc_major = s->exact_counts.major;
	}
	if (s->ops->disable && s->ops->counts && (err = set_counted(s)) < 0)
		return fail(why, PFX_SESSION_WRITE, err);
	if (s->flight && s->opts.flight_dump_on_exit)
		flight_dump(s, "exit");
	r->stats = *pfx_recorder_stats(s->rec);
	r->bytes = pfx_recorder_bytes(s->rec);
	err = pfx_recorder_finish(s->rec, pfx_now_ns());
	s->rec = NULL;
	if (err < 0)
		return fail(why, PFX_SESSION_FINISH, err);
	s->finished = true;
	r->latency = s->ops->caps(s->state) & PFX_SOURCE_LATENCY;
	r->restamped = s->ops->restamped ? s->ops->restamped(s->state) : 0;
	/* Host-wide, the events counted every task, not the command alone. */
	r->has_rusage = t->launched && t->exited && !s->opts.host_wide;
	r->rusage = t->rusage;
	return 0;
}

const struct pfx_session_result *pfx_session_result(const struct pfx_session *s)
{
	return &s->result;
}

const struct pfx_target *pfx_session_wait(struct pfx_session *s)
{
	/* A child still held before exec is ended by pfx_target_close(). */
	if (s->started && !s->target.exited) {
		if (!s->finished)
			pfx_target_forward_signal(&s->target, SIGTERM);
		pfx_target_wait(&s->target);
	}
	return &s->target;
}

void pfx_session_close(struct pfx_session *s)
{
	if (!s)
		return;
	pfx_recorder_abort(s->rec);
	pfx_flight_close(s->flight);
	if (s->ops)
		s->ops->close(s->state);
	if (s->exact)
		pfx_counter_close(s->exact);
	pfx_session_wait(s);
	pfx_target_close(&s->target);
	free(s->tids);
	free(s);
}
