/* SPDX-License-Identifier: GPL-2.0-or-later */
/* metrics: the collection behind 'pfx serve' and its exposition (text
 * 0.0.4 and OpenMetrics 1.0). */
#include "config.h"
#include "metrics.h"
#include "cgname.h"
#include "safetext.h"
#include "stall.h"
#include "top.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

enum { CG_DIR_MAX = 512, STAT_BUF = 16384 };

/* The last exported values of a counter made from a difference, so that
 * it never goes back (a scraper reads any drop as a reset). */
struct mono {
	uint64_t minor, major;
};

struct cg_total {
	char cgroup[TOP_CGROUP_MAX];
	struct mono v;
	bool ok;			/* memory.stat read in this collection */
};

struct shown_id {
	pid_t pid;
	uint64_t start_time;
};

struct pfx_metrics {
	struct pfx_metrics_opts opts;
	struct top_table *table;
	/* the memory controller's hierarchy */
	char memcg_dir[CG_DIR_MAX];	/* mount point, "" if none */
	char memcg_root[CG_DIR_MAX];	/* the mount's root in the hierarchy ("/" mostly) */
	char source[CG_DIR_MAX + 32];
	char v2_dir[CG_DIR_MAX], v1mem_dir[CG_DIR_MAX];
	char **cgroups;			/* -G, as paths in the hierarchy */
	int no_totals;			/* a -G cgroup without memory.stat, or -1 */
	double boot_time;		/* btime of /proc/stat, s since the epoch */
	long ticks;
	char *buf;
	size_t cap;
	/* the last collection */
	uint64_t collected_ns, collections;
	double duration_s;
	struct mono system;
	bool system_ok;
	struct cg_total *cg, *cg_prev;
	size_t ncg, ncg_prev, cap_cg, cap_cg_prev;
	int *scope;			/* indices into pfx_top_procs() of the processes watched */
	size_t nscope, cap_scope;
	size_t nshown;			/* the first nshown of scope, busiest first, have series */
	struct shown_id *prev_shown;	/* those of the collection before, by PID */
	size_t nprev_shown, cap_prev_shown;
	struct mono other;
	bool has_other;
	const struct pfx_stall *stall;	/* fault timing, or NULL: */
	const char *stall_off;		/* ... why not */
};

/* ---- formats ---------------------------------------------------------- */

const char *pfx_metrics_content_type(enum pfx_metrics_format f)
{
	return f == PFX_METRICS_OPENMETRICS ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
					    : "text/plain; version=0.0.4; charset=utf-8";
}

/* Trimmed [s, e) of one Accept element piece. */
static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

static bool piece_is(const char *s, const char *e, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(e - s) == n && strncasecmp(s, word, n) == 0;
}

enum pfx_metrics_format pfx_metrics_negotiate(const char *accept)
{
	enum pfx_metrics_format best = PFX_METRICS_PROMETHEUS;
	double best_q = -1;

	for (const char *el = accept; el && *el;) {
		const char *end = strchr(el, ','), *semi, *ts, *te;
		const char *version = NULL, *version_end = NULL;
		double q = 1;
		int kind = -1;	/* 0 text, 1 OpenMetrics */

		if (!end)
			end = el + strlen(el);
		semi = memchr(el, ';', (size_t)(end - el));
		ts = el;
		te = semi ? semi : end;
		trim(&ts, &te);
		/* parameters: q and version */
		for (const char *p = semi; p && p < end;) {
			const char *pe = memchr(p + 1, ';', (size_t)(end - p - 1));
			const char *ks = p + 1, *ke, *vs, *ve = pe ? pe : end;

			ke = memchr(ks, '=', (size_t)(ve - ks));
			if (ke) {
				vs = ke + 1;
				trim(&ks, &ke);
				trim(&vs, &ve);
				if (piece_is(ks, ke, "q")) {
					char num[16];
					size_t n = (size_t)(ve - vs) < sizeof(num) - 1 ? (size_t)(ve - vs)
										    : sizeof(num) - 1;

					memcpy(num, vs, n);
					num[n] = '\0';
					q = strtod(num, NULL);
				} else if (piece_is(ks, ke, "version")) {
					version = vs;
					version_end = ve;
				}
			}
			p = pe;
		}
		if (piece_is(ts, te, "application/openmetrics-text")) {
			if (!version || piece_is(version, version_end, "1.0.0") ||
			    piece_is(version, version_end, "0.0.1"))
				kind = 1;
		} else if (piece_is(ts, te, "text/plain")) {
			if (!version || piece_is(version, version_end, "0.0.4"))
				kind = 0;
		} else if (piece_is(ts, te, "*/*") || piece_is(ts, te, "text/*")) {
			kind = 0;
		}
		if (kind >= 0 && q > 0 && q > best_q) {
			best_q = q;
			best = kind ? PFX_METRICS_OPENMETRICS : PFX_METRICS_PROMETHEUS;
		}
		el = *end ? end + 1 : end;
	}
	return best;
}

void pfx_metrics_label_value(FILE *fp, const char *s)
{
	const char *p = s ? s : "";
	size_t n = strlen(p), i = 0, len;

	while (i < n) {
		len = pfx_safetext_char(p + i, n - i);
		if (len == 1 && (p[i] == '\\' || p[i] == '"')) {
			fputc('\\', fp);
			fputc(p[i], fp);
		} else if (len) {
			fwrite(p + i, 1, len, fp);
		} else if (p[i] == '\n') {
			fputs("\\n", fp);
		} else if (p[i] == '\t') {
			fputc('\t', fp);
		} else {
			/* safetext's \xNN, its backslash escaped: the label reads
			 * as the text every other view shows */
			char esc[PFX_SAFETEXT_MAX_EXPAND + 1];

			pfx_safetext_n(esc, sizeof(esc), p + i, 1);
			fprintf(fp, "\\%s", esc);
		}
		i += len ? len : 1;
	}
}

/* ---- cgroup hierarchies ----------------------------------------------- */

/* mountinfo writes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *w = s;

	for (const char *r = s; *r;) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

static bool has_word(const char *list, const char *word, const char *seps)
{
	size_t n = strlen(word);

	for (const char *s = list; *s;) {
		size_t len = strcspn(s, seps);

		if (len == n && strncmp(s, word, n) == 0)
			return true;
		s += len;
		s += strspn(s, seps);
	}
	return false;
}

/* Find the cgroup2 mount and the v1 memory mount in mountinfo, and pick
 * the one that holds the memory controller. */
static void find_hierarchies(struct pfx_metrics *m)
{
	char v2_root[CG_DIR_MAX] = "/", mem_root[CG_DIR_MAX] = "/";
	char *line = NULL, *save;
	size_t cap = 0;
	FILE *fp = fopen("/proc/self/mountinfo", "re");

	while (fp && getline(&line, &cap, fp) > 0) {
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER */
		char *f[5] = { 0 }, *dash = strstr(line, " - "), *fstype, *super;
		int i = 0;

		if (!dash)
			continue;
		*dash = '\0';
		for (char *w = strtok_r(line, " ", &save); w && i < 5; w = strtok_r(NULL, " ", &save))
			f[i++] = w;
		fstype = strtok_r(dash + 3, " \n", &save);
		strtok_r(NULL, " \n", &save);	/* source */
		super = strtok_r(NULL, " \n", &save);
		if (i < 5 || !fstype)
			continue;
		unescape_octal(f[3]);
		unescape_octal(f[4]);
		if (strcmp(fstype, "cgroup2") == 0 && !m->v2_dir[0]) {
			snprintf(m->v2_dir, sizeof(m->v2_dir), "%s", f[4]);
			snprintf(v2_root, sizeof(v2_root), "%s", f[3]);
		} else if (strcmp(fstype, "cgroup") == 0 && super && has_word(super, "memory", ",") &&
			   !m->v1mem_dir[0]) {
			snprintf(m->v1mem_dir, sizeof(m->v1mem_dir), "%s", f[4]);
			snprintf(mem_root, sizeof(mem_root), "%s", f[3]);
		}
	}
	free(line);
	if (fp)
		fclose(fp);
	snprintf(m->source, sizeof(m->source), "none");
	if (m->v2_dir[0]) {
		char path[CG_DIR_MAX + 32], text[512];

		snprintf(path, sizeof(path), "%s/cgroup.controllers", m->v2_dir);
		if (pfx_read_file(path, text, sizeof(text)) >= 0 && has_word(text, "memory", " \n")) {
			snprintf(m->memcg_dir, sizeof(m->memcg_dir), "%s", m->v2_dir);
			snprintf(m->memcg_root, sizeof(m->memcg_root), "%s", v2_root);
			snprintf(m->source, sizeof(m->source), "cgroup2 at %s", m->v2_dir);
			return;
		}
	}
	if (m->v1mem_dir[0]) {
		snprintf(m->memcg_dir, sizeof(m->memcg_dir), "%s", m->v1mem_dir);
		snprintf(m->memcg_root, sizeof(m->memcg_root), "%s", mem_root);
		snprintf(m->source, sizeof(m->source), "cgroup v1 memory at %s", m->v1mem_dir);
	}
}

/* DIR/memory.stat of a cgroup path (as /proc/PID/cgroup shows it) in the
 * memory hierarchy.  false if there is none. */
static bool memstat_path(const struct pfx_metrics *m, const char *cgroup, char *out, size_t size)
{
	size_t rlen = strlen(m->memcg_root);

	if (!m->memcg_dir[0] || cgroup[0] != '/')
		return false;
	/* a mount of a subtree (root /a): the path /a/b is its b */
	if (rlen > 1 && strncmp(cgroup, m->memcg_root, rlen) == 0 &&
	    (cgroup[rlen] == '/' || !cgroup[rlen]))
		cgroup += rlen;
	return (size_t)snprintf(out, size, "%s%s/memory.stat", m->memcg_dir,
				strcmp(cgroup, "/") == 0 ? "" : cgroup) < size;
}

/* The value of "KEY N" in a vmstat-style text (one pair per line). */
static bool stat_value(const char *text, const char *key, uint64_t *out)
{
	size_t n = strlen(key);

	for (const char *line = text; line && *line;) {
		if (strncmp(line, key, n) == 0 && line[n] == ' ') {
			char *end;

			errno = 0;
			*out = strtoull(line + n + 1, &end, 10);
			return errno == 0 && end != line + n + 1;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return false;
}

/* minor = all - major, never below what was exported before. */
static void mono_update(struct mono *v, uint64_t all, uint64_t major)
{
	uint64_t minor = all > major ? all - major : 0;

	if (minor > v->minor)
		v->minor = minor;
	if (major > v->major)
		v->major = major;
}

/* Read a memory.stat: the hierarchical totals (total_* on v1, plain on v2). */
static bool read_memstat(struct pfx_metrics *m, const char *cgroup, struct mono *v)
{
	char path[CG_DIR_MAX + TOP_CGROUP_MAX + 32];
	uint64_t all, major;

	if (!memstat_path(m, cgroup, path, sizeof(path)) || pfx_read_file(path, m->buf, m->cap) < 0)
		return false;
	if (stat_value(m->buf, "total_pgfault", &all) && stat_value(m->buf, "total_pgmajfault", &major)) {
		mono_update(v, all, major);
		return true;
	}
	if (stat_value(m->buf, "pgfault", &all) && stat_value(m->buf, "pgmajfault", &major)) {
		mono_update(v, all, major);
		return true;
	}
	return false;
}

/* A -G argument as a path in the hierarchy: a path under a cgroup mount
 * point loses the mount point; "x" is "/x".  NULL if out of memory. */
static char *cgroup_arg(const struct pfx_metrics *m, const char *arg)
{
	const char *dirs[] = { m->v2_dir, m->v1mem_dir };
	size_t len;
	char *s;

	for (size_t i = 0; i < PFX_ARRAY_SIZE(dirs); i++) {
		size_t n = strlen(dirs[i]);

		if (n && strncmp(arg, dirs[i], n) == 0 && (arg[n] == '/' || !arg[n])) {
			arg += n;
			break;
		}
	}
	if (asprintf(&s, "%s%s", arg[0] == '/' ? "" : "/", arg) < 0)
		return NULL;
	len = strlen(s);
	while (len > 1 && s[len - 1] == '/')
		s[--len] = '\0';
	return s;
}

/* Is there a cgroup at this path in the v2 or the v1 memory hierarchy? */
static bool cgroup_exists(const struct pfx_metrics *m, const char *cgroup, bool *has_memstat)
{
	const char *dirs[] = { m->v2_dir, m->v1mem_dir };
	char path[CG_DIR_MAX + TOP_CGROUP_MAX + 32];
	bool found = false;

	*has_memstat = memstat_path(m, cgroup, path, sizeof(path)) && access(path, R_OK) == 0;
	for (size_t i = 0; i < PFX_ARRAY_SIZE(dirs) && !found; i++) {
		if (!dirs[i][0])
			continue;
		snprintf(path, sizeof(path), "%s%s/cgroup.procs", dirs[i], cgroup);
		found = access(path, F_OK) == 0;
	}
	return found;
}

/* ---- set-up ----------------------------------------------------------- */

static double read_boot_time(struct pfx_metrics *m)
{
	int fd = open("/proc/stat", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? pfx_read_fd_grow(fd, 65536, &m->buf, &m->cap) : -1;
	uint64_t btime = 0;
	const char *line;

	if (fd >= 0)
		close(fd);
	if (n > 0 && (line = strstr(m->buf, "\nbtime ")))
		btime = strtoull(line + 7, NULL, 10);
	return (double)btime;
}

int pfx_metrics_new(struct pfx_metrics **out, const struct pfx_metrics_opts *opts, size_t *bad)
{
	/* lazy: rss and swap are read for the processes shown alone */
	struct top_table_opts topts = { .cgroups = true, .lazy = true };
	struct pfx_metrics *m = calloc(1, sizeof(*m));
	int err;

	if (!m)
		return -ENOMEM;
	m->opts = *opts;
	m->no_totals = -1;
	m->ticks = sysconf(_SC_CLK_TCK);
	if (m->ticks <= 0)
		m->ticks = 100;
	m->cap = STAT_BUF;
	m->buf = malloc(m->cap);
	if (!m->buf) {
		free(m);
		return -ENOMEM;
	}
	m->boot_time = read_boot_time(m);
	find_hierarchies(m);
	if (opts->cgroups) {
		m->cgroups = calloc(opts->ncgroups, sizeof(*m->cgroups));
		err = m->cgroups ? 0 : -ENOMEM;
		for (size_t i = 0; !err && i < opts->ncgroups; i++) {
			bool memstat;

			m->cgroups[i] = cgroup_arg(m, opts->cgroups[i]);
			if (!m->cgroups[i]) {
				err = -ENOMEM;
			} else if (!cgroup_exists(m, m->cgroups[i], &memstat)) {
				*bad = i;
				err = -ENOENT;
			} else if (!memstat && m->no_totals < 0) {
				m->no_totals = (int)i;
			}
		}
		if (err) {
			pfx_metrics_free(m);
			return err;
		}
	}
	err = pfx_top_table_new(&m->table, &topts);
	if (err) {
		pfx_metrics_free(m);
		return err;
	}
	*out = m;
	return 0;
}

void pfx_metrics_free(struct pfx_metrics *m)
{
	if (!m)
		return;
	if (m->cgroups)
		for (size_t i = 0; i < m->opts.ncgroups; i++)
			free(m->cgroups[i]);
	free(m->cgroups);
	pfx_top_table_free(m->table);
	free(m->buf);
	free(m->cg);
	free(m->cg_prev);
	free(m->scope);
	free(m->prev_shown);
	free(m);
}

const char *pfx_metrics_cgroup_source(const struct pfx_metrics *m)
{
	return m->source;
}

int pfx_metrics_cgroup_without_totals(const struct pfx_metrics *m)
{
	return m->no_totals;
}

pid_t pfx_metrics_absent_pid(const struct pfx_metrics *m)
{
	size_t n;
	const struct top_proc *procs = pfx_top_procs(m->table, &n);

	for (size_t i = 0; i < m->opts.npids; i++) {
		bool found = false;

		for (size_t k = 0; k < m->nscope && !found; k++)
			found = procs[m->scope[k]].pid == m->opts.pids[i];
		if (!found)
			return m->opts.pids[i];
	}
	return 0;
}

uint64_t pfx_metrics_collected_ns(const struct pfx_metrics *m)
{
	return m->collected_ns;
}

/* ---- a collection ----------------------------------------------------- */

static bool under_cgroup(const char *path, const char *cgroup)
{
	size_t n = strlen(cgroup);

	if (strcmp(cgroup, "/") == 0)
		return path[0] == '/';
	return strncmp(path, cgroup, n) == 0 && (path[n] == '/' || !path[n]);
}

static bool in_scope(const struct pfx_metrics *m, const struct top_proc *p)
{
	if (m->opts.pids) {
		for (size_t i = 0; i < m->opts.npids; i++)
			if (m->opts.pids[i] == p->pid)
				return true;
		return false;
	}
	if (m->cgroups) {
		for (size_t i = 0; i < m->opts.ncgroups; i++)
			if (under_cgroup(p->cgroup, m->cgroups[i]))
				return true;
		return false;
	}
	return true;
}

static double rate_of(const struct top_proc *p)
{
	return p->has_rate ? p->minor_rate + p->major_rate : 0;
}

/* Busiest first: rate over the last interval, then totals, then PID. */
static int cmp_busy(const void *a, const void *b, void *arg)
{
	const struct top_proc *procs = arg;
	const struct top_proc *x = &procs[*(const int *)a], *y = &procs[*(const int *)b];
	double rx = rate_of(x), ry = rate_of(y);
	uint64_t tx = x->minor + x->major, ty = y->minor + y->major;

	if (rx != ry)
		return rx < ry ? 1 : -1;
	if (tx != ty)
		return tx < ty ? 1 : -1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int cmp_shown(const void *a, const void *b)
{
	const struct shown_id *x = a, *y = b;

	if (x->pid != y->pid)
		return (x->pid > y->pid) - (x->pid < y->pid);
	return (x->start_time > y->start_time) - (x->start_time < y->start_time);
}

static bool was_shown(const struct pfx_metrics *m, const struct top_proc *p)
{
	struct shown_id key = { p->pid, p->start_time };

	return bsearch(&key, m->prev_shown, m->nprev_shown, sizeof(key), cmp_shown) != NULL;
}

/* The processes of this collection without a series at both ends of the
 * interval add their faults of it to "other". */
static int account_other(struct pfx_metrics *m, const struct top_proc *procs, double dt)
{
	bool first = m->collections == 0;

	for (size_t k = 0; k < m->nscope; k++) {
		const struct top_proc *p = &procs[m->scope[k]];

		if (first) {
			if (k >= m->nshown) {	/* the baseline: everything so far */
				m->other.minor += p->minor;
				m->other.major += p->major;
			}
		} else if (p->has_rate && (k >= m->nshown || !was_shown(m, p))) {
			m->other.minor += (uint64_t)llround(p->minor_rate * dt);
			m->other.major += (uint64_t)llround(p->major_rate * dt);
		}
	}
	/* remember who had series, for the next collection */
	if (PFX_GROW(m->prev_shown, m->cap_prev_shown, m->nshown + 1, 16))
		return -ENOMEM;
	for (size_t k = 0; k < m->nshown; k++)
		m->prev_shown[k] = (struct shown_id){ procs[m->scope[k]].pid,
						      procs[m->scope[k]].start_time };
	m->nprev_shown = m->nshown;
	qsort(m->prev_shown, m->nprev_shown, sizeof(*m->prev_shown), cmp_shown);
	return 0;
}

static int cmp_group(const void *a, const void *b)
{
	const struct top_group *x = *(const struct top_group *const *)a;
	const struct top_group *y = *(const struct top_group *const *)b;
	double rx = x->sums.minor_rate + x->sums.major_rate, ry = y->sums.minor_rate + y->sums.major_rate;

	if (rx != ry)
		return rx < ry ? 1 : -1;
	return strcmp(x->cgroup, y->cgroup);
}

/* One cgroup's totals into cg[ncg], monotonic over its last values. */
static int add_cgroup(struct pfx_metrics *m, const char *cgroup)
{
	struct cg_total *c;

	if (PFX_GROW(m->cg, m->cap_cg, m->ncg + 1, 16))
		return -ENOMEM;
	c = &m->cg[m->ncg];
	memset(c, 0, sizeof(*c));
	snprintf(c->cgroup, sizeof(c->cgroup), "%s", cgroup);
	for (size_t i = 0; i < m->ncg_prev; i++) {
		if (strcmp(m->cg_prev[i].cgroup, cgroup) == 0) {
			c->v = m->cg_prev[i].v;
			break;
		}
	}
	c->ok = read_memstat(m, cgroup, &c->v);
	if (c->ok)
		m->ncg++;
	return 0;
}

static int collect_cgroups(struct pfx_metrics *m)
{
	struct top_group *groups, **order = NULL;
	size_t ngroups, n = 0;
	int err = 0;

	/* this collection's totals start from the last one's */
	{
		struct cg_total *t = m->cg_prev;
		size_t cap = m->cap_cg_prev;

		m->cg_prev = m->cg;
		m->cap_cg_prev = m->cap_cg;
		m->ncg_prev = m->ncg;
		m->cg = t;
		m->cap_cg = cap;
		m->ncg = 0;
	}
	if (!m->memcg_dir[0] || m->opts.pids)
		return 0;
	if (m->cgroups) {
		for (size_t i = 0; !err && i < m->opts.ncgroups; i++)
			err = add_cgroup(m, m->cgroups[i]);
		return err;
	}
	/* -a: the busiest top_n cgroups that hold processes */
	groups = pfx_top_groups(m->table, &ngroups);
	order = malloc((ngroups + 1) * sizeof(*order));
	if (!order)
		return -ENOMEM;
	for (size_t i = 0; i < ngroups; i++)
		if (groups[i].present && groups[i].cgroup[0] == '/')
			order[n++] = &groups[i];
	qsort(order, n, sizeof(*order), cmp_group);
	for (size_t i = 0; !err && i < n && i < m->opts.top_n; i++)
		err = add_cgroup(m, order[i]->cgroup);
	free(order);
	return err;
}

int pfx_metrics_collect(struct pfx_metrics *m)
{
	uint64_t t0 = pfx_now_ns(), all, major;
	const struct top_proc *procs;
	size_t n;
	int err = pfx_top_sample(m->table, t0);

	if (err)
		return err;
	if (pfx_read_file("/proc/vmstat", m->buf, m->cap) >= 0 && stat_value(m->buf, "pgfault", &all) &&
	    stat_value(m->buf, "pgmajfault", &major)) {
		mono_update(&m->system, all, major);
		m->system_ok = true;
	}
	procs = pfx_top_procs(m->table, &n);
	if (PFX_GROW(m->scope, m->cap_scope, n + 1, 16))
		return -ENOMEM;
	m->nscope = 0;
	for (size_t i = 0; i < n; i++)
		if (in_scope(m, &procs[i]))
			m->scope[m->nscope++] = (int)i;
	qsort_r(m->scope, m->nscope, sizeof(*m->scope), cmp_busy, (void *)procs);
	m->nshown = m->opts.pids || m->nscope < m->opts.top_n ? m->nscope : m->opts.top_n;
	pfx_top_read_details(m->table, m->scope, m->nshown);
	m->has_other = !m->opts.pids;
	err = account_other(m, procs, pfx_top_interval(m->table));
	if (!err)
		err = collect_cgroups(m);
	if (err)
		return err;
	m->collections++;
	m->collected_ns = pfx_now_ns();
	m->duration_s = (double)(m->collected_ns - t0) / 1e9;
	return 0;
}

/* ---- the exposition --------------------------------------------------- */

enum family_type { FAM_COUNTER, FAM_GAUGE, FAM_INFO, FAM_HISTOGRAM };

/* HELP and TYPE of a family.  name is without the _total / _info of its
 * samples: OpenMetrics names families so, the text format names them as
 * the samples. */
static void family(FILE *fp, enum pfx_metrics_format f, const char *name, enum family_type type,
		   const char *help)
{
	static const char *const suffix[] = { "_total", "", "_info", "" };
	static const char *const om_type[] = { "counter", "gauge", "info", "histogram" };
	static const char *const text_type[] = { "counter", "gauge", "gauge", "histogram" };
	const char *sfx = f == PFX_METRICS_OPENMETRICS ? "" : suffix[type];

	fprintf(fp, "# HELP %s%s %s\n", name, sfx, help);
	fprintf(fp, "# TYPE %s%s %s\n", name, sfx,
		f == PFX_METRICS_OPENMETRICS ? om_type[type] : text_type[type]);
}

void pfx_metrics_cgroup_labels(FILE *fp, const char *cgroup)
{
	struct pfx_cgname n;
	const char *key[PFX_CGNAME_NKEYS], *value[PFX_CGNAME_NKEYS];
	int nkeys = pfx_cgname_fields(cgroup, &n, key, value);

	fputs("cgroup=\"", fp);
	pfx_metrics_label_value(fp, cgroup);
	fputc('"', fp);
	for (int i = 0; i < nkeys; i++) {
		fprintf(fp, ",%s=\"", key[i]);
		pfx_metrics_label_value(fp, value[i]);
		fputc('"', fp);
	}
}

/* The pid, comm and cgroup labels of a process. */
static void proc_labels(FILE *fp, const struct top_proc *p)
{
	fprintf(fp, "pid=\"%d\",comm=\"", (int)p->pid);
	pfx_metrics_label_value(fp, p->comm);
	fputs("\",", fp);
	pfx_metrics_cgroup_labels(fp, p->cgroup);
}

static void fault_pair(FILE *fp, const char *name, const char *labels, const struct top_proc *p,
		       const char *cgroup, const struct mono *v)
{
	for (int major = 0; major < 2; major++) {
		fprintf(fp, "%s{", name);
		if (p)
			proc_labels(fp, p);
		else if (labels)
			fputs(labels, fp);
		if (cgroup) {
			pfx_metrics_cgroup_labels(fp, cgroup);
			fputc(',', fp);
		} else if (p || labels) {
			fputc(',', fp);
		}
		fprintf(fp, "type=\"%s\"} %llu\n", major ? "major" : "minor",
			(unsigned long long)(major ? v->major : v->minor));
	}
}

static void proc_gauge(FILE *fp, const struct pfx_metrics *m, const struct top_proc *procs,
		       const char *name, int what)
{
	for (size_t k = 0; k < m->nshown; k++) {
		const struct top_proc *p = &procs[m->scope[k]];

		fprintf(fp, "%s{", name);
		proc_labels(fp, p);
		if (what == 0)
			fprintf(fp, "} %.2f\n", m->boot_time + (double)p->start_time / (double)m->ticks);
		else
			fprintf(fp, "} %llu\n",
				(unsigned long long)(what == 1 ? p->rss_kb : p->swap_kb) * 1024ull);
	}
}

void pfx_metrics_set_stall(struct pfx_metrics *m, const struct pfx_stall *stall, const char *off)
{
	m->stall = stall;
	m->stall_off = off;
}

/* A cgroup's stall series are shown with -a, and with -G for the cgroups
 * at or below those given; with -p only its processes' are. */
static bool cgroup_shown(const struct pfx_metrics *m, const char *cgroup)
{
	if (m->opts.pids)
		return false;
	if (!m->cgroups)
		return true;
	for (size_t i = 0; i < m->opts.ncgroups; i++)
		if (under_cgroup(cgroup, m->cgroups[i]))
			return true;
	return false;
}

static void cgroup_type_labels(FILE *fp, const char *cgroup, int major)
{
	pfx_metrics_cgroup_labels(fp, cgroup);
	fprintf(fp, ",type=\"%s\"", major ? "major" : "minor");
}

static void write_histogram(FILE *fp, const struct pfx_stall_cgroup *c, int major)
{
	uint64_t cum = 0;

	for (size_t b = 0; b <= PFX_STALL_BUCKETS; b++) {
		cum += c->bucket[major][b];
		fputs("pfx_fault_latency_seconds_bucket{", fp);
		cgroup_type_labels(fp, c->cgroup, major);
		if (b < PFX_STALL_BUCKETS)
			fprintf(fp, ",le=\"%g\"} %llu\n", pfx_stall_bucket_le[b], (unsigned long long)cum);
		else
			fprintf(fp, ",le=\"+Inf\"} %llu\n", (unsigned long long)cum);
	}
	fputs("pfx_fault_latency_seconds_sum{", fp);
	cgroup_type_labels(fp, c->cgroup, major);
	fprintf(fp, "} %.9f\n", c->timed_s[major]);
	fputs("pfx_fault_latency_seconds_count{", fp);
	cgroup_type_labels(fp, c->cgroup, major);
	fprintf(fp, "} %llu\n", (unsigned long long)c->timed[major]);
}

/* Fault stall time and latency (stall.h), or why there is none. */
static void write_stall(const struct pfx_metrics *m, FILE *fp, enum pfx_metrics_format f,
			const struct top_proc *procs)
{
	const struct pfx_stall_cgroup *cg;
	size_t ncg;

	family(fp, f, "pfx_fault_latency_enabled", FAM_GAUGE,
	       "1 when pfx serve times faults (perf events), 0 when it cannot: reason says why "
	       "(only counts are exported then).");
	if (!m->stall) {
		fputs("pfx_fault_latency_enabled{reason=\"", fp);
		pfx_metrics_label_value(fp, m->stall_off ? m->stall_off : "off");
		fputs("\"} 0\n", fp);
		return;
	}
	fputs("pfx_fault_latency_enabled{reason=\"\"} 1\n", fp);
	cg = pfx_stall_cgroups(m->stall, &ncg);
	family(fp, f, "pfx_fault_stall_seconds", FAM_COUNTER,
	       "Seconds the tasks of a cgroup waited in page faults, from entry to completion: "
	       "an estimate, the faults timed scaled by pfx_fault_latency_sample_ratio and by "
	       "the faults completed.");
	for (size_t i = 0; i < ncg; i++) {
		if (!cgroup_shown(m, cg[i].cgroup))
			continue;
		for (int major = 0; major < 2; major++) {
			fputs("pfx_fault_stall_seconds_total{", fp);
			cgroup_type_labels(fp, cg[i].cgroup, major);
			fprintf(fp, "} %.9f\n", cg[i].stall_s[major]);
		}
	}
	family(fp, f, "pfx_process_fault_stall_seconds", FAM_COUNTER,
	       "Seconds a process (the --top busiest) waited in page faults, estimated as "
	       "pfx_fault_stall_seconds_total.");
	for (size_t k = 0; k < m->nshown; k++) {
		const struct top_proc *p = &procs[m->scope[k]];
		double v[2];

		if (!pfx_stall_of_pid(m->stall, p->pid, v))
			continue;
		for (int major = 0; major < 2; major++) {
			fputs("pfx_process_fault_stall_seconds_total{", fp);
			proc_labels(fp, p);
			fprintf(fp, ",type=\"%s\"} %.9f\n", major ? "major" : "minor", v[major]);
		}
	}
	family(fp, f, "pfx_fault_latency_seconds", FAM_HISTOGRAM,
	       "Latency of the page faults timed (entry to completion), per cgroup: the faults "
	       "timed only, not scaled.");
	for (size_t i = 0; i < ncg; i++)
		if (cgroup_shown(m, cg[i].cgroup))
			for (int major = 0; major < 2; major++)
				write_histogram(fp, &cg[i], major);
	family(fp, f, "pfx_fault_latency_sample_ratio", FAM_GAUGE,
	       "The share of time faults were timed in over the last second (kept within "
	       "--budget of serve's CPU).");
	fprintf(fp, "pfx_fault_latency_sample_ratio %.4f\n", pfx_stall_share(m->stall));
	family(fp, f, "pfx_fault_latency_lost_records", FAM_COUNTER,
	       "Fault records the kernel dropped (ring full) while timing.");
	fprintf(fp, "pfx_fault_latency_lost_records_total %llu\n",
		(unsigned long long)pfx_stall_lost(m->stall));
}

int pfx_metrics_write(const struct pfx_metrics *m, FILE *fp, enum pfx_metrics_format f)
{
	size_t n;
	const struct top_proc *procs = pfx_top_procs(m->table, &n);

	family(fp, f, "pfx_page_faults", FAM_COUNTER,
	       "Page faults a process took (its own, not its reaped children's; /proc/PID/stat "
	       "minflt, majflt). pid=\"other\" sums the watched processes without series of "
	       "their own.");
	for (size_t k = 0; k < m->nshown; k++) {
		const struct top_proc *p = &procs[m->scope[k]];
		struct mono v = { p->minor, p->major };

		fault_pair(fp, "pfx_page_faults_total", NULL, p, NULL, &v);
	}
	if (m->has_other)
		fault_pair(fp, "pfx_page_faults_total", "pid=\"other\",comm=\"other\",cgroup=\"\"",
			   NULL, NULL, &m->other);
	family(fp, f, "pfx_process_start_time_seconds", FAM_GAUGE,
	       "When the process started, in seconds since the epoch: another value under the "
	       "same pid is another process.");
	proc_gauge(fp, m, procs, "pfx_process_start_time_seconds", 0);
	family(fp, f, "pfx_process_resident_memory_bytes", FAM_GAUGE,
	       "Resident memory of the process (VmRSS of /proc/PID/status).");
	proc_gauge(fp, m, procs, "pfx_process_resident_memory_bytes", 1);
	family(fp, f, "pfx_process_swap_bytes", FAM_GAUGE,
	       "Swap used by the process (VmSwap of /proc/PID/status).");
	proc_gauge(fp, m, procs, "pfx_process_swap_bytes", 2);
	if (m->system_ok) {
		family(fp, f, "pfx_system_page_faults", FAM_COUNTER,
		       "Page faults of the whole system (/proc/vmstat: minor is pgfault less "
		       "pgmajfault).");
		fault_pair(fp, "pfx_system_page_faults_total", NULL, NULL, NULL, &m->system);
	}
	if (m->ncg) {
		family(fp, f, "pfx_cgroup_page_faults", FAM_COUNTER,
		       "Page faults in a cgroup and its descendants (its memory.stat: pgfault, "
		       "pgmajfault, or total_pgfault, total_pgmajfault on cgroup v1).");
		for (size_t i = 0; i < m->ncg; i++)
			fault_pair(fp, "pfx_cgroup_page_faults_total", NULL, NULL, m->cg[i].cgroup,
				   &m->cg[i].v);
	}
	write_stall(m, fp, f, procs);
	family(fp, f, "pfx_serve_cpu_seconds", FAM_COUNTER,
	       "CPU time pfx serve used, user and system (getrusage), fault timing included.");
	fprintf(fp, "pfx_serve_cpu_seconds_total %.6f\n", pfx_stall_self_cpu_s());
	family(fp, f, "pfx_watched_processes", FAM_GAUGE,
	       "Processes watched (-a: all, -p, -G) in the last collection.");
	fprintf(fp, "pfx_watched_processes %zu\n", m->nscope);
	family(fp, f, "pfx_scrape_duration_seconds", FAM_GAUGE,
	       "How long the collection shown took (reading /proc and the cgroup files).");
	fprintf(fp, "pfx_scrape_duration_seconds %.6f\n", m->duration_s);
	family(fp, f, "pfx_build", FAM_INFO, "The version of pfx serving these metrics.");
	fprintf(fp, "pfx_build_info{version=\"%s\"} 1\n", PACKAGE_VERSION);
	if (f == PFX_METRICS_OPENMETRICS)
		fputs("# EOF\n", fp);
	return ferror(fp) ? -EIO : 0;
}
