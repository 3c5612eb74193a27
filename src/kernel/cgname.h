/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgname: the names a fleet joins on, read from a cgroup path as
 * /proc/PID/cgroup shows it (the cgroup2 "0::" path, or a v1 controller's,
 * the memory one on a hybrid host): a Kubernetes pod's UID, its QoS class,
 * a container's ID, a systemd service.  Pure functions of the text: no
 * I/O, nothing allocated.
 *
 * A name is given only where the path has the exact form that kubelet, the
 * container runtime or systemd writes; anything else (a UID of the wrong
 * length, a container ID that is not 64 hex digits, a pod cgroup outside a
 * kubepods tree) leaves that name empty: no label rather than a wrong one.
 * cgname.c lists the forms and where they come from.
 *
 * In a cgroup namespace of its own (pfx in a container, a DaemonSet on
 * cgroup v2), /proc/PID/cgroup of a process outside it is relative to the
 * namespace's root: "/../../kubepods-burstable.slice/kubepods-burstable-
 * pod<uid_>.slice/cri-containerd-<id>.scope".  The names below the ".."
 * are read as they are; a cgroupfs "pod<uid>" right after them has no
 * QoS class (its parent is unseen). */
#ifndef PFX_CGNAME_H
#define PFX_CGNAME_H

#include <stdbool.h>
#include <stddef.h>

enum {
	PFX_CGNAME_UID_MAX = 37,	/* 36 for the dashed form, 32 for a static pod's */
	PFX_CGNAME_ID_MAX = 65,		/* 64 hex digits */
	PFX_CGNAME_UNIT_MAX = 256,	/* systemd's limit on a unit name (255) */
};

struct pfx_cgname {
	char pod_uid[PFX_CGNAME_UID_MAX];	/* dashed ("_" of the systemd driver undone), "" */
	char container_id[PFX_CGNAME_ID_MAX];	/* 64 lower-case hex digits, "" */
	const char *qos_class;			/* "guaranteed", "burstable", "besteffort", NULL
						 * (also for a pod seen past "..": below) */
	char service[PFX_CGNAME_UNIT_MAX];	/* "nginx.service", "session-3.scope", "" */
};

/* Fill *out from path (NULL or "" gives nothing).  true when any name was
 * found. */
bool pfx_cgname_parse(const char *path, struct pfx_cgname *out);

/* The names path gives, as label or JSON fields in the order pfx writes
 * them (pod_uid, container_id, qos_class, service), only those known:
 * keys[i] = values[i] for i below the count returned.  n holds the
 * values. */
enum { PFX_CGNAME_NKEYS = 4 };
int pfx_cgname_fields(const char *path, struct pfx_cgname *n, const char *keys[PFX_CGNAME_NKEYS],
		      const char *values[PFX_CGNAME_NKEYS]);

/* The short form a person reads for a Kubernetes cgroup: "pod UID" or
 * "pod UID container ID12" (the first 12 digits, as crictl and docker show
 * an ID), with " (qos)" after where known; "" when there is no pod.  Returns what
 * snprintf returns. */
int pfx_cgname_short(const struct pfx_cgname *n, char *out, size_t size);

#endif
