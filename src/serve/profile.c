/* SPDX-License-Identifier: GPL-2.0-or-later */
/* profile: fault profiles on demand for 'pfx serve'; see profile.h. */
#include "config.h"
#include "profile.h"
#include "analysis.h"
#include "recfile.h"
#include "report_export.h"
#include "session.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Per CPU ring: call chains make samples of a few hundred bytes; the
 * session drains when half full. */
#define PROFILE_RING_PAGES 256

struct pfx_profile {
	char *cgroups;
	pthread_t thread;
	bool started;			/* a thread to join */
	atomic_bool done;
	/* the request */
	unsigned seconds;
	bool latency;
	uint64_t until_ns;
	/* the result, written by the thread before done */
	char *data;
	size_t len;
	int err;
	const char *why;
};

int pfx_profile_new(struct pfx_profile **out, const char *cgroups)
{
	struct pfx_profile *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	if (cgroups && !(p->cgroups = strdup(cgroups))) {
		free(p);
		return -ENOMEM;
	}
	*out = p;
	return 0;
}

/* Record into path.  0 or -errno (p->why says which step).  Faults are
 * timed from page-faults, as the stall series are (stall.c says why): a
 * profile weighed by latency then agrees with them. */
static int record(struct pfx_profile *p, const char *path)
{
	struct pfx_session_opts so = {
		.output = path, .host_wide = true, .cgroups = p->cgroups, .source = PFX_SOURCE_PERF,
		.callchain = true, .entry = PFX_ENTRY_SW, .ring_pages = PROFILE_RING_PAGES,
		.duration_s = p->seconds,
	};
	struct pfx_session_reason why;
	struct pfx_session *s = NULL;
	int err = pfx_session_open(&s, &so, &why);

	p->why = "opening the perf events (pfx record -a -g says why)";
	if (!err) {
		p->why = "recording";
		err = pfx_session_run(s, &why);
	}
	if (!err) {
		p->why = "finishing the recording";
		err = pfx_session_finish(s, &why);
	}
	pfx_session_close(s);
	return err;
}

/* The recording as gzip'd pprof, into p->data.  0 or -errno. */
static int export(struct pfx_profile *p, const char *path)
{
	struct pfx_rec_reader *r = NULL;
	struct pfx_analysis *rep = NULL;
	FILE *fp;
	int err;

	p->why = "reading the recording";
	err = pfx_rec_reader_open(&r, path);
	if (!err)
		err = pfx_analysis_run(r, &(struct pfx_analysis_opts){ .code_names = true,
								     .every_chain = true }, &rep);
	if (err >= 0) {
		p->why = "writing the profile";
		fp = open_memstream(&p->data, &p->len);
		err = fp ? pfx_export_pprof(fp, rep, p->latency ? PFX_WEIGHT_LATENCY : PFX_WEIGHT_FAULTS)
			 : -errno;
		if (fp && fclose(fp) != 0 && err >= 0)
			err = -ENOMEM;
	}
	pfx_analysis_free(rep);
	if (r)
		pfx_rec_reader_close(r);
	return err < 0 ? err : 0;
}

static void *run(void *arg)
{
	struct pfx_profile *p = arg;
	const char *tmp = getenv("TMPDIR");
	char *dir = NULL, *path = NULL;
	int err = -ENOMEM;

	/* a directory only pfx may enter (mkdtemp: 0700, a fresh name):
	 * nobody can place or swap a file at the recording's name */
	p->why = "making a private directory for the recording (TMPDIR, else /tmp)";
	if (asprintf(&dir, "%s/pfx-serve-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0) {
		dir = NULL;
	} else if (!mkdtemp(dir)) {
		err = -errno;
	} else {
		if (asprintf(&path, "%s/faults.data", dir) < 0) {
			path = NULL;
		} else {
			err = record(p, path);
			if (!err)
				err = export(p, path);
			unlink(path);
		}
		rmdir(dir);
	}
	free(path);
	free(dir);
	p->err = err;
	atomic_store(&p->done, true);
	return NULL;
}

static void reap(struct pfx_profile *p)
{
	if (p->started) {
		pthread_join(p->thread, NULL);
		p->started = false;
	}
	free(p->data);
	p->data = NULL;
	p->len = 0;
}

int pfx_profile_start(struct pfx_profile *p, unsigned seconds, bool latency, unsigned *left)
{
	int err;

	if (p->started && !atomic_load(&p->done)) {
		uint64_t now = pfx_now_ns();

		*left = p->until_ns > now ? (unsigned)((p->until_ns - now) / 1000000000ull) + 1 : 1;
		return -EBUSY;
	}
	reap(p);	/* one done and never asked for: its client went away */
	p->seconds = seconds;
	p->latency = latency;
	p->err = 0;
	p->why = NULL;
	p->until_ns = pfx_now_ns() + (uint64_t)seconds * 1000000000ull;
	atomic_store(&p->done, false);
	err = pthread_create(&p->thread, NULL, run, p);
	if (err)
		return -err;
	p->started = true;
	return 0;
}

int pfx_profile_poll(struct pfx_profile *p, char **data, size_t *len, int *err, const char **why)
{
	if (!p->started)
		return -ENOENT;
	if (!atomic_load(&p->done))
		return 0;
	pthread_join(p->thread, NULL);
	p->started = false;
	*err = p->err;
	*why = p->why;
	*data = p->data;
	*len = p->len;
	p->data = NULL;
	p->len = 0;
	return 1;
}

void pfx_profile_free(struct pfx_profile *p)
{
	if (!p)
		return;
	reap(p);
	free(p->cgroups);
	free(p);
}
