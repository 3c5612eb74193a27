/* SPDX-License-Identifier: GPL-2.0-or-later */
/* events: the events pfx uses (events/events.def) and how to open them.
 * Software counters resolve through libpfm4; tracepoint ids and field
 * layouts through libtracefs/libtraceevent. */
#ifndef PFX_EVENTS_H
#define PFX_EVENTS_H

#include <linux/perf_event.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tep_handle;
struct tep_event;

enum pfx_event_id {
#define PFX_SW_EVENT(id, name, pfm, config, desc) PFX_EV_##id,
#define PFX_TP_EVENT(id, sys, name, desc) PFX_EV_##id,
#include "events.def"
#undef PFX_SW_EVENT
#undef PFX_TP_EVENT
	PFX_EV_COUNT
};

enum pfx_event_kind { PFX_EVENT_SOFTWARE, PFX_EVENT_TRACEPOINT };

struct pfx_event_info {
	enum pfx_event_kind kind;
	const char *name;	/* "minor-faults" or "exceptions:page_fault_user" */
	const char *pfm_name;	/* software: libpfm4 name */
	uint64_t config;	/* software: PERF_COUNT_SW_* fallback */
	const char *system;	/* tracepoint: subsystem */
	const char *event;	/* tracepoint: event name */
	const char *description;
};

const struct pfx_event_info *pfx_event_info(enum pfx_event_id id);
/* Find an event by its name as 'pfx list' prints it.  -ENOENT if unknown. */
int pfx_event_lookup(const char *name, enum pfx_event_id *id);

/* Fill attr's type and config for id (other fields untouched).  0, or
 * -ENOENT when the kernel has no such tracepoint, -errno otherwise. */
int pfx_event_attr(enum pfx_event_id id, struct perf_event_attr *attr);
/* Is the event there on this kernel?  For tracepoints, also whether the
 * tracefs format is readable.  On false, why (if non-NULL) says what is missing. */
bool pfx_event_available(enum pfx_event_id id, char *why, size_t why_size);
/* The same as 0 or -errno: -ENOENT the kernel has no such tracepoint,
 * -EACCES tracefs is there but not readable by this user (it may well have
 * it), -ENODEV no tracefs. */
int pfx_event_check(enum pfx_event_id id, char *why, size_t why_size);

/* Parse a tracepoint's format into tep (a tep_alloc()'ed handle) so its raw
 * samples can be decoded.  *event receives the parsed event.  0 or -errno. */
int pfx_event_load_format(struct tep_handle *tep, enum pfx_event_id id,
			  struct tep_event **event);

/* The tracefs directory (mounting tracefs if needed), or NULL with errno
 * (EACCES: mounted, but not accessible to this user). */
const char *pfx_tracefs_dir(void);

#endif
