/* SPDX-License-Identifier: GPL-2.0-or-later */
/* wss: method choice, the reading shared by the methods, the clear_refs
 * writes (reset and TLB flush, see wss.h), and timing and fault counts of
 * the window around them. */
#include "config.h"
#include "wss.h"
#include "pagemap.h"
#include "procstat.h"
#include "wss_idle.h"
#include "wss_refs.h"
#include "wss_softdirty.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const method_names[] = {
	[PFX_WSS_AUTO] = "auto",
	[PFX_WSS_IDLE] = "idle",
	[PFX_WSS_REFS] = "refs",
	[PFX_WSS_INJECT] = "inject",
};

int pfx_wss_method_parse(const char *name, enum pfx_wss_method *out)
{
	for (size_t i = 0; i < PFX_ARRAY_SIZE(method_names); i++) {
		if (name && strcmp(name, method_names[i]) == 0) {
			*out = (enum pfx_wss_method)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *pfx_wss_method_name(enum pfx_wss_method method)
{
	return (size_t)method < PFX_ARRAY_SIZE(method_names) ? method_names[method] : "?";
}

int pfx_wss_idle_probe(const char *root)
{
	int fd = pfx_open_under_root(root, O_RDWR, "%s", PFX_PAGE_IDLE_BITMAP);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

void pfx_wss_choose(enum pfx_wss_method requested, const char *root, struct pfx_wss_choice *out)
{
	int probe;

	out->method = requested;
	out->reason = "chosen with --method";
	if (requested != PFX_WSS_AUTO)
		return;
	probe = pfx_wss_idle_probe(root);
	if (probe == 0) {
		out->method = PFX_WSS_IDLE;
		out->reason = "auto: the kernel has idle page tracking";
	} else if (probe == -ENOENT) {
		out->method = PFX_WSS_REFS;
		out->reason = "auto: no " PFX_PAGE_IDLE_BITMAP " (kernel without CONFIG_IDLE_PAGE_TRACKING)";
	} else {
		out->method = PFX_WSS_REFS;
		out->reason = "auto: " PFX_PAGE_IDLE_BITMAP " needs root";
	}
}

static int open_proc(const char *root, pid_t pid, const char *name, int flags)
{
	int fd = pfx_open_under_root(root, flags | O_CLOEXEC, "/proc/%d/%s", (int)pid, name);

	return fd == -ENOENT ? -ESRCH : fd;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* What the session will do to the target, known before it starts. */
static void set_traits(struct pfx_wss *w, int softdirty)
{
	struct pfx_wss_traits *t = &w->traits;

	t->softdirty = softdirty == 1;
	t->flush = w->cfg.method == PFX_WSS_INJECT || !w->cfg.no_flush;
	t->write_protects = t->flush && t->softdirty;
	t->perturbs_reclaim = w->cfg.method == PFX_WSS_REFS;
	t->lower_bound = w->cfg.method != PFX_WSS_INJECT && w->cfg.no_flush;
}

static int open_method(struct pfx_wss *w)
{
	const struct pfx_wss_config *c = &w->cfg;
	int err = 0;

	if (c->method == PFX_WSS_IDLE)
		err = pfx_wss_idle_open(w->cfg.root, c->pid, &w->idle);
	else if (c->method == PFX_WSS_REFS)
		err = pfx_wss_refs_open(w->cfg.root, c->pid, &w->refs);
	else if (c->method != PFX_WSS_INJECT)
		err = -EINVAL;
	/* The soft-dirty bits: inject's whole reading, and the written set
	 * for free wherever the flush write-protects. */
	if (!err && (c->method == PFX_WSS_INJECT || w->traits.write_protects))
		err = pfx_wss_softdirty_open(w->cfg.root, c->pid, &w->sd);
	if (!err && (w->traits.flush || c->method == PFX_WSS_REFS)) {
		w->clear_fd = open_proc(w->cfg.root, c->pid, "clear_refs", O_WRONLY);
		err = w->clear_fd < 0 ? w->clear_fd : 0;
	}
	return err;
}

int pfx_wss_open(struct pfx_wss *w, const struct pfx_wss_config *cfg)
{
	int softdirty, err;

	memset(w, 0, sizeof(*w));
	w->cfg = *cfg;
	w->cfg.root = cfg->root ? cfg->root : "";
	w->clear_fd = w->stat_fd = w->rollup_fd = -1;
	softdirty = pfx_pagemap_softdirty_probe(w->cfg.root);
	if (cfg->method == PFX_WSS_INJECT && softdirty != 1)
		return softdirty < 0 && softdirty != -ENOENT ? softdirty : -EOPNOTSUPP;
	set_traits(w, softdirty);
	err = open_method(w);
	/* Faults and PSS are extras: a fixture tree may lack them. */
	if (!err) {
		w->stat_fd = open_proc(w->cfg.root, cfg->pid, "stat", O_RDONLY);
		if (cfg->method != PFX_WSS_REFS)
			w->rollup_fd = open_proc(w->cfg.root, cfg->pid, "smaps_rollup", O_RDONLY);
	}
	if (err)
		pfx_wss_close(w);
	return err;
}

/* A small /proc file from its start into buf, NUL-terminated: 0, -ENOENT
 * when it was not opened, -ESRCH when it reads empty (process gone). */
static int pread_text(int fd, char *buf, size_t size)
{
	ssize_t n;

	if (fd < 0)
		return -ENOENT;
	n = pread(fd, buf, size - 1, 0);
	if (n <= 0)
		return n < 0 ? -errno : -ESRCH;
	buf[n] = '\0';
	return 0;
}

/* The target's minor + major faults so far, or -errno. */
static int read_faults(struct pfx_wss *w, uint64_t *faults)
{
	struct pfx_proc_faults f;
	char buf[2048];
	int err = pread_text(w->stat_fd, buf, sizeof(buf));

	if (err)
		return err;
	if (pfx_proc_parse_stat(buf, &f, NULL, 0))
		return -EINVAL;
	*faults = f.minor + f.major;
	return 0;
}

/* "Pss:   1234 kB" of smaps_rollup, in bytes; -errno when unknown. */
static int read_pss(struct pfx_wss *w, uint64_t *pss)
{
	char buf[4096], *p;
	int err = pread_text(w->rollup_fd, buf, sizeof(buf));

	if (err)
		return err;
	p = strstr(buf, "\nPss:");
	if (!p)
		return -EINVAL;
	*pss = strtoull(p + 5, NULL, 10) * 1024;
	return 0;
}

int pfx_wss_reset(struct pfx_wss *w, struct pfx_wss_reading *r)
{
	int err = 0;

	pfx_wss_reading_clear(r);
	r->reset_start_ns = pfx_now_ns();
	w->faults_known = read_faults(w, &w->faults_at_reset) == 0;
	if (w->idle)
		err = pfx_wss_idle_mark(w->idle);
	else if (w->refs)
		err = pfx_write_all(w->clear_fd, "1", 1);
	/* "4" after the clearing, never before: a translation cached after
	 * the flush was made by a walk that set the accessed bit. */
	if (!err && w->traits.flush)
		err = pfx_write_all(w->clear_fd, "4", 1);
	r->reset_end_ns = pfx_now_ns();
	return err;
}

int pfx_wss_read(struct pfx_wss *w, struct pfx_wss_reading *r)
{
	bool by_mapping = w->cfg.by_mapping;
	uint64_t faults = 0, pss = 0;
	int err;

	pfx_wss_reading_clear_results(r);
	r->read_start_ns = pfx_now_ns();
	if (w->idle)
		err = pfx_wss_idle_read(w->idle, by_mapping, r);
	else if (w->refs)
		err = pfx_wss_refs_read(w->refs, by_mapping, r);
	else
		err = pfx_wss_softdirty_read(w->sd, by_mapping, true, r);
	if (!err && w->sd && w->cfg.method != PFX_WSS_INJECT)
		err = pfx_wss_softdirty_read(w->sd, by_mapping, false, r);
	if (!err && !r->has_pss && read_pss(w, &pss) == 0) {
		r->total.pss = pss;
		r->has_pss = true;
	}
	if (!err && w->faults_known && read_faults(w, &faults) == 0 && faults >= w->faults_at_reset) {
		r->faults = faults - w->faults_at_reset;
		r->has_faults = true;
	}
	r->read_end_ns = pfx_now_ns();
	return err;
}

void pfx_wss_close(struct pfx_wss *w)
{
	pfx_wss_idle_close(w->idle);
	pfx_wss_refs_close(w->refs);
	pfx_wss_softdirty_close(w->sd);
	w->idle = NULL;
	w->refs = NULL;
	w->sd = NULL;
	close_fd(&w->clear_fd);
	close_fd(&w->stat_fd);
	close_fd(&w->rollup_fd);
}
