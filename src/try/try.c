/* SPDX-License-Identifier: GPL-2.0-or-later */
/* try: the remedies, the program check, the command's environment, one
 * counted run and the statistics of 'pfx try' (try.h). */
#include "config.h"
#include "try.h"
#include "fault_pair.h"
#include "fault_source.h"
#include "sig.h"
#include "u64map.h"
#include "target.h"
#include "util.h"

#include <elf.h>
#include <link.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct {
	const char *name;
	unsigned mask;
	const char *what;
} remedies[] = {
	{ "populate", PFX_TRY_POPULATE, "MADV_POPULATE_WRITE on anonymous writable mmaps" },
	{ "hugepage", PFX_TRY_HUGEPAGE, "MADV_HUGEPAGE on anonymous mmaps, GLIBC_TUNABLES glibc.malloc.hugetlb=1" },
	{ "sequential", PFX_TRY_SEQUENTIAL, "MADV_SEQUENTIAL on file mmaps" },
	{ "willneed", PFX_TRY_WILLNEED, "MADV_WILLNEED on file mmaps" },
	{ "mlock", PFX_TRY_MLOCK, "mlockall(MCL_CURRENT|MCL_FUTURE) at start" },
	{ "malloc-trim", PFX_TRY_MALLOC_TRIM, "GLIBC_TUNABLES glibc.malloc.trim_threshold, mmap_threshold, top_pad" },
};
#define NREMEDIES (sizeof(remedies) / sizeof(remedies[0]))

/* malloc-trim's tunables: keep up to 1 GiB at the heap's top instead of
 * giving it back, take 64 MiB more per brk, and serve up to 32 MiB (the
 * most glibc accepts on 64 bits) from the heap rather than from mmaps
 * that free() unmaps. */
#define TRIM_TUNABLES "glibc.malloc.trim_threshold=1073741824:glibc.malloc.top_pad=67108864:" \
	"glibc.malloc.mmap_threshold=33554432"
#define HUGETLB_TUNABLE "glibc.malloc.hugetlb=1"
/* the remedies the preload applies (malloc-trim is tunables alone; the
 * preload goes in all the same, to take them out of the command's children) */
#define PRELOAD_MASK (PFX_TRY_POPULATE | PFX_TRY_HUGEPAGE | PFX_TRY_SEQUENTIAL | PFX_TRY_WILLNEED | PFX_TRY_MLOCK)

const char *pfx_try_remedy_names(void)
{
	return "populate, hugepage, sequential, willneed, mlock, malloc-trim";
}

/* Join the fields of the remedies in mask with sep. */
static const char *join(unsigned mask, bool describe, const char *sep, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NREMEDIES; i++) {
		if (!(mask & remedies[i].mask))
			continue;
		int n = snprintf(buf + len, size - len, "%s%s", len ? sep : "",
				 describe ? remedies[i].what : remedies[i].name);
		if (n < 0 || (size_t)n >= size - len)
			break;
		len += (size_t)n;
	}
	return buf;
}

const char *pfx_try_remedy_describe(unsigned mask, char *buf, size_t size)
{
	return join(mask, true, "; ", buf, size);
}

const char *pfx_try_remedy_label(unsigned mask, char *buf, size_t size)
{
	return join(mask, false, "+", buf, size);
}

int pfx_try_remedy_parse(const char *list, unsigned *masks, size_t max, size_t *n,
			 const char **bad, size_t *badlen)
{
	const char *p = list;
	unsigned cur = 0;

	*n = 0;
	for (;;) {
		size_t len = strcspn(p, ",+");
		size_t i;

		for (i = 0; i < NREMEDIES; i++)
			if (strlen(remedies[i].name) == len && strncmp(p, remedies[i].name, len) == 0)
				break;
		if (i == NREMEDIES) {
			*bad = p;
			*badlen = len;
			return -EINVAL;
		}
		cur |= remedies[i].mask;
		if (p[len] != '+') {
			if (*n == max)
				return -E2BIG;
			masks[(*n)++] = cur;
			cur = 0;
		}
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

/* Does the ELF file at fd ask for an interpreter?  1, 0, or -1: not an
 * ELF of this machine's class (a script: its interpreter runs). */
static int elf_has_interp(int fd)
{
	ElfW(Ehdr) eh;

	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32) ||
	    eh.e_phentsize != sizeof(ElfW(Phdr)))
		return -1;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		ElfW(Phdr) ph;

		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + (uint64_t)i * sizeof(ph))) != (ssize_t)sizeof(ph))
			return -1;
		if (ph.p_type == PT_INTERP)
			return 1;
	}
	return 0;
}

static int check_file(const char *path, enum pfx_try_block *block)
{
	struct stat st;
	int fd, interp;

	/* a PATH directory this user cannot search holds nothing it can
	 * run: not found there (the shell's 127), as execvp's search */
	if (stat(path, &st) < 0)
		return errno == EACCES ? -ENOENT : -errno;
	if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0)
		return -EACCES;
	*block = PFX_TRY_OK;
	if ((st.st_mode & S_ISUID) || ((st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP))) {
		*block = PFX_TRY_SETUID;
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;	/* executable, not readable: let exec decide */
	interp = elf_has_interp(fd);
	close(fd);
	if (interp == 0)
		*block = PFX_TRY_STATIC;
	else if (interp < 0)
		*block = PFX_TRY_SCRIPT;
	return 0;
}

static int check_candidate(const char *path, void *block)
{
	return check_file(path, block);
}

int pfx_try_program_check(const char *cmd, char *path, size_t size, enum pfx_try_block *block)
{
	if (strchr(cmd, '/')) {
		if ((size_t)snprintf(path, size, "%s", cmd) >= size)
			return -ENAMETOOLONG;
		return check_file(path, block);
	}
	return pfx_path_search(cmd, path, size, check_candidate, block);
}

int pfx_try_preload_find(char *path, size_t size)
{
	static const char *const beside[] = { "", "/.libs", "/../lib/" PACKAGE };
	const char *env = getenv("PFX_TRY_PRELOAD");
	char dir[PATH_MAX];

	if (env && *env) {
		snprintf(path, size, "%s", env);
		return access(path, R_OK) == 0 ? 0 : -ENOENT;
	}
	if (pfx_exe_dir(dir, sizeof(dir)) == 0)
		for (size_t i = 0; i < sizeof(beside) / sizeof(beside[0]); i++) {
			if ((size_t)snprintf(path, size, "%s%s/pfx-try-preload.so", dir, beside[i]) < size &&
			    access(path, R_OK) == 0)
				return 0;
		}
	snprintf(path, size, "%s/pfx-try-preload.so", PFX_PKGLIBDIR);
	return access(path, R_OK) == 0 ? 0 : -ENOENT;
}

void pfx_try_env_free(char **envp)
{
	char **mine = envp;

	if (!envp)
		return;
	/* the strings made here follow the environment's NULL (env_build) */
	while (*mine)
		mine++;
	for (mine++; *mine; mine++)
		free(*mine);
	free(envp);
}

int pfx_try_env_build(char ***out, char *const base[], unsigned mask, const char *preload, uint64_t min_size)
{
	size_t nbase = 0, n = 0, cap;
	const char *old_preload = NULL, *old_tunables = NULL;
	char *made[5] = { 0 };
	size_t nmade = 0;
	char **envp;
	int err = 0;

	while (base[nbase])
		nbase++;
	for (size_t i = 0; i < nbase; i++) {
		if (strncmp(base[i], "LD_PRELOAD=", 11) == 0)
			old_preload = base[i] + 11;
		else if (strncmp(base[i], "GLIBC_TUNABLES=", 15) == 0)
			old_tunables = base[i] + 15;
	}
	if (mask) {
		char *r = NULL;
		char label[128];

		if (asprintf(&r, "LD_PRELOAD=%s%s%s", preload, old_preload && *old_preload ? ":" : "",
			     old_preload ? old_preload : "") < 0)
			r = NULL;
		made[nmade++] = r;
		if (asprintf(&r, "PFX_TRY_REMEDY=%s", pfx_try_remedy_label(mask & PRELOAD_MASK, label, sizeof(label))) < 0)
			r = NULL;
		made[nmade++] = r;
		if (asprintf(&r, "PFX_TRY_MIN_SIZE=%llu", (unsigned long long)min_size) < 0)
			r = NULL;
		made[nmade++] = r;
	}
	if (mask & (PFX_TRY_HUGEPAGE | PFX_TRY_MALLOC_TRIM)) {
		char *r = NULL;
		const char *sep = old_tunables && *old_tunables ? ":" : "";
		const char *old = old_tunables ? old_tunables : "";
		const char *huge = mask & PFX_TRY_HUGEPAGE ? HUGETLB_TUNABLE : "";
		const char *trim = mask & PFX_TRY_MALLOC_TRIM ? TRIM_TUNABLES : "";
		const char *mid = *huge && *trim ? ":" : "";

		/* appended: the last setting of a tunable is the one glibc keeps */
		if (asprintf(&r, "GLIBC_TUNABLES=%s%s%s%s%s", old, sep, huge, mid, trim) < 0)
			r = NULL;
		made[nmade++] = r;
		/* the preload puts the old value back for the command's children */
		if (asprintf(&r, "PFX_TRY_TUNABLES=%s", old_tunables ? old_tunables : "-") < 0)
			r = NULL;
		made[nmade++] = r;
	}
	for (size_t i = 0; i < nmade; i++)
		if (!made[i])
			err = -ENOMEM;
	/* layout: the environment, NULL, the strings made here, NULL */
	cap = nbase + nmade + 1 + nmade + 1;
	envp = err ? NULL : calloc(cap, sizeof(*envp));
	if (!envp) {
		for (size_t i = 0; i < nmade; i++)
			free(made[i]);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nbase; i++) {
		if (mask && strncmp(base[i], "LD_PRELOAD=", 11) == 0)
			continue;
		if ((mask & (PFX_TRY_HUGEPAGE | PFX_TRY_MALLOC_TRIM)) && strncmp(base[i], "GLIBC_TUNABLES=", 15) == 0)
			continue;
		if (mask && strncmp(base[i], "PFX_TRY_", 8) == 0)
			continue;
		envp[n++] = base[i];
	}
	for (size_t i = 0; i < nmade; i++)
		envp[n++] = made[i];
	envp[n] = NULL;
	for (size_t i = 0; i < nmade; i++)
		envp[n + 1 + i] = made[i];
	envp[n + 1 + nmade] = NULL;
	*out = envp;
	return 0;
}

/* --- time spent in faults: the perf source's fault entries
 * (exceptions:page_fault_user) paired with the completions that follow
 * them on the same thread and page, as the recorder pairs them, summed
 * in memory (no file) --- */

#define FAULT_TIME_RING_PAGES 256	/* 1 MiB per CPU, as pfx record's default */
#define FAULT_TIME_POLL_MS 100		/* drain at least this often */

struct fault_time {
	const struct pfx_source_ops *ops;
	void *state;
	struct pfx_u64map pending;	/* tid -> struct pfx_fault_pending */
	uint64_t page_mask;
	struct pfx_try_sample *out;
};

static int fault_time_sample(const struct pfx_sample_event *ev, void *ctx)
{
	struct fault_time *ft = ctx;
	struct pfx_fault_pending *p;
	uint64_t lat;
	bool is_new;

	if (ev->type == PFX_SAMPLE_LOST || ev->type == PFX_SAMPLE_LOST_SAMPLES) {
		ft->out->fault_lost += ev->lost;
		return 0;
	}
	if (ev->type != PFX_SAMPLE_FAULT && ev->type != PFX_SAMPLE_FAULT_ENTRY)
		return 0;
	p = pfx_u64map_upsert(&ft->pending, ev->tid, &is_new);
	if (!p)
		return -ENOMEM;
	if (ev->type == PFX_SAMPLE_FAULT_ENTRY) {
		pfx_fault_pair_entry(p, ev);
		return 0;
	}
	if (pfx_fault_pair_complete(p, ev, ft->page_mask, &lat)) {
		ft->out->fault_ns += lat;
		ft->out->fault_paired++;
	}
	return 0;
}

/* Open the perf source on the held command, with fault entries.  0, or
 * -errno (perf denied, no tracepoint: the run goes on without). */
static int fault_time_open(struct fault_time *ft, pid_t pid, struct pfx_try_sample *out)
{
	struct pfx_source_opts so = { .pid = pid, .enable_on_exec = true, .entry = PFX_ENTRY_AUTO,
				      .ring_pages = FAULT_TIME_RING_PAGES };
	char why[128];
	int err;

	ft->out = out;
	ft->page_mask = ~(uint64_t)(sysconf(_SC_PAGESIZE) - 1);
	ft->ops = pfx_source_find("perf");
	if (!ft->ops)
		return -ENOSYS;
	err = pfx_u64map_init(&ft->pending, sizeof(struct pfx_fault_pending));
	if (err)
		return err;
	err = ft->ops->open(&ft->state, &so, why, sizeof(why));
	if (!err && !(ft->ops->caps(ft->state) & PFX_SOURCE_LATENCY)) {
		ft->ops->close(ft->state);
		err = -EOPNOTSUPP;
	}
	if (err) {
		ft->ops = NULL;
		pfx_u64map_free(&ft->pending);
	}
	return err;
}

static void fault_time_close(struct fault_time *ft, bool finish)
{
	if (!ft->ops)
		return;
	if (finish) {
		if (ft->ops->disable)
			ft->ops->disable(ft->state);
		if (ft->ops->drain(ft->state, fault_time_sample, ft) == 0)
			ft->out->has_fault_time = true;
	}
	ft->ops->close(ft->state);
	pfx_u64map_free(&ft->pending);
	ft->ops = NULL;
}

int pfx_try_run(char *const argv[], char *const envp[], const struct pfx_try_run_opts *opts,
		struct pfx_try_sample *out)
{
	struct pfx_target t;
	struct pfx_counter *c = NULL;
	struct pfx_counter_target ct;
	struct pfx_counter_opts copts = { .source = opts->source };
	struct fault_time ft = { 0 };
	uint64_t start, deadline;
	int err;

	memset(out, 0, sizeof(*out));
	err = pfx_target_launch_env(&t, argv, envp);
	if (err)
		return err;
	ct = (struct pfx_counter_target){ .pid = t.pid, .launched = true, .kind = PFX_TARGET_PROCESS, .cpu = -1 };
	err = pfx_counter_open(&c, &ct, 1, &copts);
	if (err) {
		pfx_target_close(&t);
		return err;
	}
	out->source = pfx_counter_source(c);
	if (opts->fault_time)
		out->fault_time_err = fault_time_open(&ft, t.pid, out);
	start = pfx_now_ns();
	err = pfx_target_start(&t);
	if (err) {
		fault_time_close(&ft, false);
		pfx_counter_close(c);
		pfx_target_close(&t);
		return err;
	}
	deadline = opts->timeout_s > 0 ? start + (uint64_t)(opts->timeout_s * 1e9) : UINT64_MAX;
	/* Poll the pidfd and the source's rings, draining them, a while at a
	 * time (the deadline, a stop signal); without a pidfd (before Linux
	 * 5.3) and no source, wait: --timeout is then not kept. */
	while (!t.exited) {
		struct pollfd fds[1025];
		size_t n = ft.ops ? ft.ops->pollfds(ft.state, fds, PFX_ARRAY_SIZE(fds) - 1) : 0;
		uint64_t now = pfx_now_ns();
		uint64_t left_ms = deadline > now ? (deadline - now + 999999) / 1000000 : 0;

		if (t.pidfd >= 0)
			fds[n++] = (struct pollfd){ .fd = t.pidfd, .events = POLLIN };
		if (n && !pfx_sig_stop_requested())
			poll(fds, n, left_ms < FAULT_TIME_POLL_MS ? (int)left_ms : FAULT_TIME_POLL_MS);
		if (ft.ops && ft.ops->drain(ft.state, fault_time_sample, &ft) < 0)
			fault_time_close(&ft, false);
		if (pfx_target_poll_exit(&t) == 1)
			break;
		if (pfx_now_ns() >= deadline || pfx_sig_stop_requested()) {
			/* the run is over: past its time, or pfx is being stopped */
			out->timed_out = pfx_now_ns() >= deadline;
			pfx_target_forward_signal(&t, out->timed_out ? SIGKILL : SIGTERM);
		} else if (n) {
			continue;
		}
		while (!t.exited && pfx_target_wait(&t) == -EINTR)
			pfx_target_forward_signal(&t, SIGKILL);
	}
	out->wall_ns = pfx_now_ns() - start;
	fault_time_close(&ft, true);
	pfx_counter_target_exited(c, 0, &t.rusage);
	err = pfx_counter_read(c, 0, &out->counts);
	out->rusage_minor = (uint64_t)t.rusage.ru_minflt;
	out->rusage_major = (uint64_t)t.rusage.ru_majflt;
	out->maxrss_kib = (uint64_t)t.rusage.ru_maxrss;
	out->wait_status = t.wait_status;
	pfx_counter_close(c);
	pfx_target_close(&t);
	return err;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void pfx_try_spread(double *v, size_t n, struct pfx_try_spread *out)
{
	qsort(v, n, sizeof(*v), cmp_double);
	out->min = v[0];
	out->max = v[n - 1];
	out->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

enum pfx_try_verdict pfx_try_compare(const struct pfx_try_spread *base, const struct pfx_try_spread *remedy)
{
	/* Counts repeat to a few faults (262,972 against 262,981 with no
	 * overlap): a change that small is no effect a user would act on. */
	if (fabs(pfx_try_change(base, remedy)) < PFX_TRY_MIN_CHANGE_PCT)
		return PFX_TRY_SAME;
	if (remedy->max < base->min)
		return PFX_TRY_LOWER;
	if (remedy->min > base->max)
		return PFX_TRY_HIGHER;
	return PFX_TRY_SAME;
}

double pfx_try_change(const struct pfx_try_spread *base, const struct pfx_try_spread *remedy)
{
	if (base->median == 0)
		return remedy->median == 0 ? 0 : INFINITY;
	return 100.0 * (remedy->median - base->median) / base->median;
}
