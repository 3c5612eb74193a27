/* wss: method choice, the reading shared by both methods, and timing of
 * the window around them. */
#include "config.h"
#include "wss.h"
#include "wss_idle.h"
#include "wss_refs.h"
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

double pfx_wss_window_s(const struct pfx_wss_reading *r)
{
	double reset_mid = ((double)r->reset_start_ns + (double)r->reset_end_ns) / 2;
	double read_mid = ((double)r->read_start_ns + (double)r->read_end_ns) / 2;

	return (read_mid - reset_mid) / 1e9;
}

void pfx_wss_reading_clear(struct pfx_wss_reading *r)
{
	for (size_t i = 0; i < r->n_mappings; i++)
		free(r->mappings[i].name);
	free(r->mappings);
	memset(r, 0, sizeof(*r));
}

int pfx_wss_reading_add_mapping(struct pfx_wss_reading *r, uint64_t start, uint64_t end,
				const char *name, const struct pfx_wss_bytes *bytes)
{
	struct pfx_wss_mapping *grown, *m;

	if (r->n_mappings == r->mappings_cap) {
		size_t cap = r->mappings_cap ? r->mappings_cap * 2 : 64;

		grown = realloc(r->mappings, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		r->mappings = grown;
		r->mappings_cap = cap;
	}
	m = &r->mappings[r->n_mappings];
	m->name = strdup(name ? name : "");
	if (!m->name)
		return -ENOMEM;
	m->start = start;
	m->end = end;
	m->bytes = *bytes;
	r->n_mappings++;
	return 0;
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

int pfx_wss_open(struct pfx_wss *w, enum pfx_wss_method method, const char *root, pid_t pid,
		 bool by_mapping)
{
	memset(w, 0, sizeof(*w));
	w->method = method;
	w->root = root ? root : "";
	w->pid = pid;
	w->by_mapping = by_mapping;
	switch (method) {
	case PFX_WSS_IDLE:
		return pfx_wss_idle_open(w->root, pid, &w->idle);
	case PFX_WSS_REFS:
		return pfx_wss_refs_open(w->root, pid, &w->refs);
	case PFX_WSS_AUTO:
		break;
	}
	return -EINVAL;
}

int pfx_wss_reset(struct pfx_wss *w, struct pfx_wss_reading *r)
{
	int err;

	pfx_wss_reading_clear(r);
	r->reset_start_ns = pfx_now_ns();
	err = w->idle ? pfx_wss_idle_mark(w->idle) : pfx_wss_refs_reset(w->refs);
	r->reset_end_ns = pfx_now_ns();
	return err;
}

int pfx_wss_read(struct pfx_wss *w, struct pfx_wss_reading *r)
{
	int err;

	r->read_start_ns = pfx_now_ns();
	err = w->idle ? pfx_wss_idle_read(w->idle, w->by_mapping, r)
		      : pfx_wss_refs_read(w->refs, w->by_mapping, r);
	r->read_end_ns = pfx_now_ns();
	return err;
}

void pfx_wss_close(struct pfx_wss *w)
{
	pfx_wss_idle_close(w->idle);
	pfx_wss_refs_close(w->refs);
	w->idle = NULL;
	w->refs = NULL;
}
