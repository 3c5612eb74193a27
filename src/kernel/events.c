/* SPDX-License-Identifier: GPL-2.0-or-later */
/* events: resolve the events of events/events.def on this kernel. */
#include "config.h"
#include "events.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef PFX_WITH_LIBPFM
#include <perfmon/pfmlib_perf_event.h>
#endif
#include <event-parse.h>
#include <tracefs.h>

static const struct pfx_event_info event_table[PFX_EV_COUNT] = {
#define PFX_SW_EVENT(id, nm, pfm, cfg, desc) \
	[PFX_EV_##id] = { .kind = PFX_EVENT_SOFTWARE, .name = nm, .pfm_name = pfm, \
			  .config = cfg, .description = desc },
#define PFX_TP_EVENT(id, sys, ev, desc) \
	[PFX_EV_##id] = { .kind = PFX_EVENT_TRACEPOINT, .name = sys ":" ev, \
			  .system = sys, .event = ev, .description = desc },
#include "events.def"
#undef PFX_SW_EVENT
#undef PFX_TP_EVENT
};

const struct pfx_event_info *pfx_event_info(enum pfx_event_id id)
{
	return (unsigned)id < PFX_EV_COUNT ? &event_table[id] : NULL;
}

int pfx_event_lookup(const char *name, enum pfx_event_id *id)
{
	for (unsigned i = 0; i < PFX_EV_COUNT; i++) {
		if (strcmp(event_table[i].name, name) == 0) {
			*id = (enum pfx_event_id)i;
			return 0;
		}
	}
	return -ENOENT;
}

/* libpfm4 knows every PMU's event names; for software events it is a
 * name check, and the PERF_COUNT_SW_* constant stands in if it fails or
 * pfx was built without libpfm4. */
static void resolve_software(const struct pfx_event_info *info, struct perf_event_attr *attr)
{
	attr->type = PERF_TYPE_SOFTWARE;
	attr->config = info->config;
#ifdef PFX_WITH_LIBPFM
	struct perf_event_attr pfm_attr;
	pfm_perf_encode_arg_t arg;

	if (pfm_initialize() != PFM_SUCCESS)
		return;
	memset(&pfm_attr, 0, sizeof(pfm_attr));
	memset(&arg, 0, sizeof(arg));
	arg.attr = &pfm_attr;
	arg.size = sizeof(arg);
	if (pfm_get_os_event_encoding(info->pfm_name, PFM_PLM3, PFM_OS_PERF_EVENT, &arg) ==
	    PFM_SUCCESS && pfm_attr.type == PERF_TYPE_SOFTWARE)
		attr->config = pfm_attr.config;
#endif
}

/* Is tracefs mounted somewhere this user cannot use?  Checked before
 * asking libtracefs, which would try to mount it again (and, in 1.6,
 * leaks the path it found when it cannot use it). */
static bool tracefs_mounted_but_denied(void)
{
	char mounts[16384], *line, *save = NULL;

	if (pfx_read_file("/proc/self/mounts", mounts, sizeof(mounts)) <= 0)
		return false;
	for (line = strtok_r(mounts, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char dir[256], type[32];

		if (sscanf(line, "%*s %255s %31s", dir, type) == 2 && strcmp(type, "tracefs") == 0)
			return access(dir, R_OK | X_OK) < 0;
	}
	return false;
}

const char *pfx_tracefs_dir(void)
{
	if (tracefs_mounted_but_denied()) {
		errno = EACCES;
		return NULL;
	}
	/* libtracefs finds the mount point and mounts tracefs if absent. */
	return tracefs_tracing_dir();
}

static int tracepoint_id(const struct pfx_event_info *info, uint64_t *id)
{
	const char *dir = pfx_tracefs_dir();
	char path[512], buf[32];
	ssize_t n;

	if (!dir)
		return errno == EACCES ? -EACCES : -ENODEV;
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", dir, info->system, info->event);
	n = pfx_read_file(path, buf, sizeof(buf));
	if (n < 0)
		return n == -ENOENT ? -ENOENT : (int)n;
	buf[strcspn(buf, "\n")] = '\0';
	return pfx_parse_u64(buf, id);
}

int pfx_event_attr(enum pfx_event_id id, struct perf_event_attr *attr)
{
	const struct pfx_event_info *info = pfx_event_info(id);
	uint64_t tp_id;
	int err;

	if (!info)
		return -EINVAL;
	if (info->kind == PFX_EVENT_SOFTWARE) {
		resolve_software(info, attr);
		return 0;
	}
	err = tracepoint_id(info, &tp_id);
	if (err)
		return err;
	attr->type = PERF_TYPE_TRACEPOINT;
	attr->config = tp_id;
	return 0;
}

bool pfx_event_available(enum pfx_event_id id, char *why, size_t why_size)
{
	return pfx_event_check(id, why, why_size) == 0;
}

int pfx_event_check(enum pfx_event_id id, char *why, size_t why_size)
{
	const struct pfx_event_info *info = pfx_event_info(id);
	uint64_t tp_id;
	int err;

	if (!info)
		return -EINVAL;
	if (info->kind == PFX_EVENT_SOFTWARE)
		return 0;	/* every kernel with perf events has them */
	err = tracepoint_id(info, &tp_id);
	if (err && why) {
		if (err == -ENODEV)
			snprintf(why, why_size, "tracefs is not mounted and could not be mounted");
		else if (err == -EACCES)
			snprintf(why, why_size, "tracefs is not accessible to this user (run as root)");
		else if (err == -ENOENT)
			snprintf(why, why_size, "this kernel has no %s tracepoint", info->name);
		else
			snprintf(why, why_size, "cannot read its id: %s", strerror(-err));
	}
	return err;
}

int pfx_event_load_format(struct tep_handle *tep, enum pfx_event_id id,
			  struct tep_event **event)
{
	const struct pfx_event_info *info = pfx_event_info(id);
	enum tep_errno terr;
	char *format;
	int size = 0;

	if (!info || info->kind != PFX_EVENT_TRACEPOINT)
		return -EINVAL;
	format = tracefs_event_file_read(NULL, info->system, info->event, "format", &size);
	if (!format)
		return errno ? -errno : -ENOENT;
	terr = tep_parse_format(tep, event, format, (unsigned long)size, info->system);
	free(format);
	return terr == TEP_ERRNO__SUCCESS ? 0 : -EINVAL;
}
