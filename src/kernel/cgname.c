// SPDX-License-Identifier: GPL-2.0-or-later
/* cgname: pod, container and service names from a cgroup path.
 *
 * The forms, from kubelet's source (pkg/kubelet/cm):
 *  - a pod's cgroup name is "pod" + its UID (pod_container_manager_linux.go,
 *    podCgroupNamePrefix), under the QoS cgroup "burstable" or "besteffort",
 *    or straight under "kubepods" for a guaranteed pod
 *    (qos_container_manager_linux.go: the QoS names are lower case).
 *  - the cgroupfs driver writes the names as they are:
 *      /kubepods/burstable/pod<uid>/<container>, /kubepods/pod<uid>/<container>
 *  - the systemd driver (cgroup_manager_linux.go, ConvertCgroupNameToSystemd
 *    and escapeSystemdCgroupName) turns every "-" inside a name into "_"
 *    ("systemd treats - as a step in the hierarchy") and names each slice
 *    by its whole path joined with "-", expanded as systemd does:
 *      /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_>.slice
 *      /kubepods.slice/kubepods-pod<uid_>.slice            (guaranteed)
 *    so a pod slice's name less "-pod..." is its parent slice's name; with
 *    --cgroup-root (kind: /kubelet) it is kubelet.slice/kubelet-kubepods.slice/...
 *  - a UID is a dashed UUID (36), or for a static pod the hex of an md5
 *    (32; pkg/kubelet/config/common.go, applyDefaults).
 *  - the runtimes name a container's cgroup under the pod by its 64-digit
 *    ID: containerd "cri-containerd-<id>.scope" (systemd) or "<id>"
 *    (cgroupfs), CRI-O "crio-<id>.scope" or "crio-<id>" (its conmon,
 *    "crio-conmon-<id>.scope", is not the container), docker
 *    "docker-<id>.scope" or "<id>".
 * Outside a kubepods tree: docker's "docker-<id>.scope" (system.slice) or
 * "/docker/<id>", podman's "libpod-<id>.scope", a rootless kubelet's
 * runtime scopes (user@UID.service/user.slice/cri-containerd-<id>.scope:
 * no pod cgroups there, so no pod); a systemd service
 * "NAME.service" (the deepest one: user@1000.service/app.slice/x.service is
 * x.service) and a login session "user-UID.slice/session-N.scope".
 * cgroup v1 and v2 paths have the same forms: kubelet and systemd make the
 * same tree in each hierarchy. */
#include "cgname.h"

#include <stdio.h>
#include <string.h>

enum { COMP_MAX = PFX_CGNAME_UNIT_MAX };

static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool has_suffix(const char *s, size_t n, const char *sfx)
{
	size_t k = strlen(sfx);

	return n >= k && memcmp(s + n - k, sfx, k) == 0;
}

static bool has_prefix(const char *s, size_t n, const char *pfx)
{
	size_t k = strlen(pfx);

	return n >= k && memcmp(s, pfx, k) == 0;
}

static bool equals(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

/* A pod UID written with sep for its dashes, into out in the dashed form. */
static bool parse_uid(const char *s, size_t n, char sep, char *out)
{
	if (n == 32) {
		if (!is_hex(s, n))
			return false;
	} else if (n == 36) {
		for (size_t i = 0; i < n; i++) {
			bool dash = i == 8 || i == 13 || i == 18 || i == 23;

			if (dash ? s[i] != sep : !is_hex(s + i, 1))
				return false;
		}
	} else {
		return false;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = s[i] == sep ? '-' : s[i];
	out[n] = '\0';
	return true;
}

/* "<id>" less an optional runtime prefix: 64 hex digits. */
static bool parse_id(const char *s, size_t n, const char *const *prefixes, char *out)
{
	size_t k = 0;

	for (; prefixes && *prefixes; prefixes++)
		if (has_prefix(s, n, *prefixes)) {
			k = strlen(*prefixes);
			break;
		}
	if (prefixes && !*prefixes)
		return false;
	if (n - k != 64 || !is_hex(s + k, 64))
		return false;
	memcpy(out, s + k, 64);
	out[64] = '\0';
	return true;
}

/* A container's cgroup: "PREFIX<id>.scope" of a runtime, or the cgroupfs
 * forms "<id>", "crio-<id>". */
static bool container_id(const char *s, size_t n, char *out)
{
	static const char *const scoped[] = { "cri-containerd-", "crio-", "docker-", NULL };
	static const char *const bare[] = { "crio-", "", NULL };

	if (has_suffix(s, n, ".scope"))
		return parse_id(s, n - 6, scoped, out);
	return parse_id(s, n, bare, out);
}

static bool is_kubepods(const char *s, size_t n)
{
	return equals(s, n, "kubepods") || equals(s, n, "kubepods.slice") ||
	       has_suffix(s, n, "-kubepods.slice");
}

static const char *qos_word(const char *s, size_t n)
{
	return equals(s, n, "burstable") ? "burstable" : equals(s, n, "besteffort") ? "besteffort" : NULL;
}

/* A systemd unit name pfx passes on: systemd's own characters
 * (unit_name_is_valid: alphanumerics and ":-_.\\", "@" of a template). */
static bool unit_chars(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr(":-_.\\@", c)))
			return false;
	}
	return true;
}

struct comp {
	const char *s;
	size_t n;
};

static bool has_word(const char *s, size_t n, const char *word)
{
	size_t k = strlen(word);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(s + i, word, k) == 0)
			return true;
	return false;
}

/* The systemd driver's pod slice "PARENT-pod<uid_>.slice" under the slice
 * "PARENT.slice": its UID and the QoS PARENT ends in.  unseen: its parent
 * is above pfx's cgroup namespace (".."), and PARENT must name kubepods. */
static bool systemd_pod(struct comp c, struct comp parent, bool unseen, struct pfx_cgname *out)
{
	const char *dash, *qos;
	size_t base, plen;

	if (!has_suffix(c.s, c.n, ".slice") || (!unseen && !has_suffix(parent.s, parent.n, ".slice")))
		return false;
	base = c.n - 6;
	dash = NULL;
	for (size_t i = base; i-- > 0;)
		if (c.s[i] == '-') {
			dash = c.s + i;
			break;
		}
	if (!dash || !has_prefix(dash + 1, (size_t)(c.s + base - dash - 1), "pod"))
		return false;
	plen = (size_t)(dash - c.s);
	if (unseen ? !has_word(c.s, plen, "kubepods")
		   : plen != parent.n - 6 || memcmp(c.s, parent.s, plen) != 0)
		return false;
	if (has_suffix(c.s, plen, "-burstable"))
		qos = "burstable";
	else if (has_suffix(c.s, plen, "-besteffort"))
		qos = "besteffort";
	else if (equals(c.s, plen, "kubepods") || has_suffix(c.s, plen, "-kubepods"))
		qos = "guaranteed";
	else
		return false;
	if (!parse_uid(dash + 4, (size_t)(c.s + base - dash - 4), '_', out->pod_uid))
		return false;
	out->qos_class = qos;
	return true;
}

/* The cgroupfs driver's "pod<uid>" under "kubepods" or its QoS cgroup;
 * unseen: under a cgroup above pfx's cgroup namespace, QoS unknown. */
static bool cgroupfs_pod(struct comp c, struct comp parent, bool parent_is_root, bool unseen,
			 struct pfx_cgname *out)
{
	const char *qos = unseen ? NULL : parent_is_root ? "guaranteed" : qos_word(parent.s, parent.n);

	if ((!qos && !unseen) || !has_prefix(c.s, c.n, "pod") ||
	    !parse_uid(c.s + 3, c.n - 3, '-', out->pod_uid))
		return false;
	out->qos_class = qos;
	return true;
}

/* "session-ID.scope" under "user-UID.slice". */
static bool session_scope(struct comp c, struct comp parent)
{
	return has_prefix(c.s, c.n, "session-") && has_suffix(c.s, c.n, ".scope") && c.n > 14 &&
	       has_prefix(parent.s, parent.n, "user-") && has_suffix(parent.s, parent.n, ".slice");
}

bool pfx_cgname_parse(const char *path, struct pfx_cgname *out)
{
	static const char *const scoped[] = { "docker-", "libpod-", "cri-containerd-", "crio-", NULL };
	struct comp parent = { "", 0 };
	int kube = -1, qos_at = -1, pod = -1;	/* component index of each, or -1 */
	int lead = 0;				/* leading ".." components */

	memset(out, 0, sizeof(*out));
	for (int i = 0; path && *path; i++) {
		struct comp c;

		while (*path == '/')
			path++;
		c.s = path;
		c.n = strcspn(path, "/");
		path += c.n;
		if (!c.n)
			break;
		/* In a cgroup namespace (a container), another's path is
		 * relative to its root: "/../../kubepods-burstable.slice/...";
		 * what is above it is unseen, the rest still kubelet's names. */
		if (i == lead && equals(c.s, c.n, "..")) {
			lead++;
			parent = c;
			continue;
		}
		bool unseen = lead && i == lead, cgfs = !has_suffix(c.s, c.n, ".slice");

		if (kube < 0 && (is_kubepods(c.s, c.n) ||
				 (unseen && (has_suffix(c.s, c.n, "kubepods-burstable.slice") ||
					     has_suffix(c.s, c.n, "kubepods-besteffort.slice"))))) {
			kube = i;
		} else if (kube < 0 && unseen && cgfs && qos_word(c.s, c.n)) {
			kube = i - 1;
			qos_at = i;
		} else if (kube < 0 && unseen && pod < 0 &&
			   (cgfs ? cgroupfs_pod(c, parent, false, true, out) : systemd_pod(c, parent, true, out))) {
			pod = i;
		} else if (kube >= 0 && pod < 0) {
			if (cgfs && i == kube + 1 && qos_word(c.s, c.n))
				qos_at = i;
			else if (cgfs ? (i == kube + 1 || i == qos_at + 1) &&
					       cgroupfs_pod(c, parent, i == kube + 1, false, out)
				      : systemd_pod(c, parent, false, out))
				pod = i;
		} else if (pod >= 0 && i == pod + 1) {
			container_id(c.s, c.n, out->container_id);
		} else if (pod < 0 && !out->container_id[0]) {
			/* docker, podman, a rootless kubelet's runtime (no QoS tree) */
			if (has_suffix(c.s, c.n, ".scope"))
				parse_id(c.s, c.n - 6, scoped, out->container_id);
			else if (equals(parent.s, parent.n, "docker"))
				parse_id(c.s, c.n, NULL, out->container_id);
		}
		if (c.n < PFX_CGNAME_UNIT_MAX && unit_chars(c.s, c.n) &&
		    ((has_suffix(c.s, c.n, ".service") && c.n > 8) || session_scope(c, parent))) {
			memcpy(out->service, c.s, c.n);
			out->service[c.n] = '\0';
		}
		parent = c;
	}
	return out->pod_uid[0] || out->container_id[0] || out->service[0];
}

int pfx_cgname_fields(const char *path, struct pfx_cgname *n, const char *keys[PFX_CGNAME_NKEYS],
		      const char *values[PFX_CGNAME_NKEYS])
{
	static const char *const key[PFX_CGNAME_NKEYS] = { "pod_uid", "container_id", "qos_class",
							    "service" };
	const char *all[PFX_CGNAME_NKEYS];
	int k = 0;

	if (!pfx_cgname_parse(path, n))
		return 0;
	all[0] = n->pod_uid;
	all[1] = n->container_id;
	all[2] = n->qos_class ? n->qos_class : "";
	all[3] = n->service;
	for (int i = 0; i < PFX_CGNAME_NKEYS; i++)
		if (all[i][0]) {
			keys[k] = key[i];
			values[k++] = all[i];
		}
	return k;
}

int pfx_cgname_short(const struct pfx_cgname *n, char *out, size_t size)
{
	if (!n->pod_uid[0])
		return snprintf(out, size, "%s", "");
	return snprintf(out, size, "pod %s%s%.12s%s%s%s", n->pod_uid, n->container_id[0] ? " container " : "",
			n->container_id, n->qos_class ? " (" : "", n->qos_class ? n->qos_class : "",
			n->qos_class ? ")" : "");
}
