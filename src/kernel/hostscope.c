/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostscope: cgroups by name, and the kernel's own fault counts of the
 * host and of a cgroup (hostscope.h). */
#include "config.h"
#include "hostscope.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The cgroup mounts of this host, from /proc/self/mountinfo. */
struct cg_mounts {
	char v2[PFX_CGROUP_PATH_MAX];		/* cgroup2 mount point, "" if none */
	char v1_perf[PFX_CGROUP_PATH_MAX];	/* v1 mount with perf_event */
	char v1_memory[PFX_CGROUP_PATH_MAX];	/* v1 mount with memory */
	char *v1_all[32];			/* every v1 mount point (for -G PATH) */
	size_t nv1;
};

static bool has_option(const char *opts, const char *want)
{
	size_t n = strlen(want);

	for (const char *p = opts; p && *p;) {
		size_t len = strcspn(p, ",");

		if (len == n && strncmp(p, want, n) == 0)
			return true;
		p = p[len] ? p + len + 1 : NULL;
	}
	return false;
}

/* mountinfo escapes blanks as \040: mount points with them are not
 * cgroup mounts pfx needs, and are kept escaped (never matched). */
static void parse_mountinfo_line(char *line, struct cg_mounts *m)
{
	char *field[10] = { 0 }, *save = NULL, *dash, *fstype, *super;
	int n = 0;

	dash = strstr(line, " - ");
	if (!dash)
		return;
	*dash = '\0';
	for (char *tok = strtok_r(line, " ", &save); tok && n < 10; tok = strtok_r(NULL, " ", &save))
		field[n++] = tok;
	if (n < 5)
		return;
	fstype = strtok_r(dash + 3, " ", &save);
	(void)strtok_r(NULL, " ", &save);	/* the source */
	super = strtok_r(NULL, " \n", &save);
	if (!fstype)
		return;
	if (strcmp(fstype, "cgroup2") == 0 && !m->v2[0]) {
		snprintf(m->v2, sizeof(m->v2), "%s", field[4]);
	} else if (strcmp(fstype, "cgroup") == 0) {
		if (has_option(super, "perf_event") && !m->v1_perf[0])
			snprintf(m->v1_perf, sizeof(m->v1_perf), "%s", field[4]);
		if (has_option(super, "memory") && !m->v1_memory[0])
			snprintf(m->v1_memory, sizeof(m->v1_memory), "%s", field[4]);
		if (m->nv1 < PFX_ARRAY_SIZE(m->v1_all))
			m->v1_all[m->nv1++] = strdup(field[4]);
	}
}

static int read_mounts(struct cg_mounts *m)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);

	memset(m, 0, sizeof(*m));
	if (fd < 0)
		return -errno;
	len = pfx_read_fd_grow(fd, 1 << 16, &buf, &cap);
	close(fd);
	if (len < 0)
		return (int)len;
	for (char *line = buf, *end; line && *line; line = end ? end + 1 : NULL) {
		end = strchr(line, '\n');
		if (end)
			*end = '\0';
		parse_mountinfo_line(line, m);
	}
	free(buf);
	return 0;
}

static void free_mounts(struct cg_mounts *m)
{
	for (size_t i = 0; i < m->nv1; i++)
		free(m->v1_all[i]);
}

/* Is the perf_event controller on cgroup2?  /proc/cgroups gives it
 * hierarchy 0 then (it is not bound to a v1 mount) and enabled 1. */
static bool perf_event_on_v2(void)
{
	char buf[4096];
	const char *p;
	unsigned hierarchy, enabled, ncg;

	if (pfx_read_file("/proc/cgroups", buf, sizeof(buf)) <= 0 || !(p = strstr(buf, "\nperf_event\t")))
		return false;
	return sscanf(p + 12, "%u %u %u", &hierarchy, &ncg, &enabled) == 3 && hierarchy == 0 &&
	       enabled == 1;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* "/web/" or "web" -> "/web"; a directory under a cgroup mount loses the
 * mount point.  -EINVAL for "" or a ".." component. */
static int normalise_name(const char *name, const struct cg_mounts *m, char *out, size_t size)
{
	const char *mounts[2 + PFX_ARRAY_SIZE(m->v1_all)];
	size_t nmounts = 0, len;

	mounts[nmounts++] = m->v2;
	for (size_t i = 0; i < m->nv1; i++)
		mounts[nmounts++] = m->v1_all[i];
	for (size_t i = 0; i < nmounts; i++) {
		size_t mlen = strlen(mounts[i]);

		if (mlen > 1 && strncmp(name, mounts[i], mlen) == 0 &&
		    (name[mlen] == '/' || name[mlen] == '\0')) {
			name += mlen;
			break;
		}
	}
	while (*name == '/')
		name++;
	if (snprintf(out, size, "/%s", name) >= (int)size)
		return -EINVAL;
	len = strlen(out);
	while (len > 1 && out[len - 1] == '/')
		out[--len] = '\0';
	if (strcmp(out, "/..") == 0 || strstr(out, "/../") || (len >= 3 && strcmp(out + len - 3, "/..") == 0))
		return -EINVAL;
	return 0;
}

/* Append ", place" (or "place") unless empty or there already. */
static void add_place(char *buf, size_t size, const char *place)
{
	size_t len = strlen(buf);

	if (place && place[0] && !strstr(buf, place))
		snprintf(buf + len, size - len, "%s%s", len ? ", " : "", place);
}

int pfx_cgroup_resolve(const char *name, struct pfx_cgroup *out, char *where, size_t where_size)
{
	struct cg_mounts m;
	char path[PFX_CGROUP_PATH_MAX + PFX_CGROUP_NAME_MAX];
	const char *perf_mount = NULL;
	int err;

	memset(out, 0, sizeof(*out));
	if (!name || !name[0])
		return -EINVAL;
	err = read_mounts(&m);
	if (err)
		return err;
	err = normalise_name(name, &m, out->name, sizeof(out->name));
	if (err) {
		free_mounts(&m);
		return err;
	}
	if (m.v1_perf[0]) {
		perf_mount = m.v1_perf;
		out->perf_hierarchy = "cgroup v1 perf_event";
	} else if (m.v2[0] && perf_event_on_v2()) {
		perf_mount = m.v2;
		out->perf_hierarchy = "cgroup2";
	} else {
		out->why_no_perf = "this host mounts no hierarchy with the perf_event controller";
	}
	if (perf_mount) {
		snprintf(path, sizeof(path), "%s%s", perf_mount, strcmp(out->name, "/") ? out->name : "");
		if (is_dir(path) && strlen(path) < sizeof(out->perf_dir))
			snprintf(out->perf_dir, sizeof(out->perf_dir), "%s", path);
		else
			out->why_no_perf = "the cgroup is not in the perf_event hierarchy";
	}
	/* memory.stat: v1 memory, else cgroup2 (with the memory controller). */
	for (int v1 = 1; v1 >= 0 && !out->memory_stat[0]; v1--) {
		const char *mount = v1 ? m.v1_memory : m.v2;

		if (!mount[0])
			continue;
		snprintf(path, sizeof(path), "%s%s/memory.stat", mount,
			 strcmp(out->name, "/") ? out->name : "");
		if (is_file(path) && strlen(path) < sizeof(out->memory_stat)) {
			snprintf(out->memory_stat, sizeof(out->memory_stat), "%s", path);
			out->memory_v1 = v1;
		}
	}
	if (where && where_size) {
		where[0] = '\0';
		add_place(where, where_size, perf_mount);
		add_place(where, where_size, m.v1_memory);
		add_place(where, where_size, m.v2);
	}
	free_mounts(&m);
	return out->perf_dir[0] || out->memory_stat[0] ? 0 : -ENOENT;
}

int pfx_cgroup_open_perf(const struct pfx_cgroup *cg)
{
	int fd;

	if (!cg->perf_dir[0])
		return -ENOENT;
	fd = open(cg->perf_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int pfx_stat_text_value(const char *text, const char *key, uint64_t *out)
{
	size_t n = strlen(key);

	for (const char *line = text; line && *line;) {
		if (strncmp(line, key, n) == 0 && line[n] == ' ') {
			char *end;
			unsigned long long v = strtoull(line + n + 1, &end, 10);

			if (end != line + n + 1) {
				*out = v;
				return 0;
			}
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return -ENOENT;
}

static int read_pair(const char *path, const char *faults_key, const char *major_key,
		     struct pfx_kernel_faults *out)
{
	char buf[16384];
	ssize_t len = pfx_read_file(path, buf, sizeof(buf));

	if (len < 0)
		return (int)len;
	if (pfx_stat_text_value(buf, faults_key, &out->faults) ||
	    pfx_stat_text_value(buf, major_key, &out->major))
		return -ENOENT;
	return 0;
}

int pfx_cgroup_memory_limit(const struct pfx_cgroup *cg, uint64_t *bytes)
{
	const char *file = cg->memory_v1 ? "memory.limit_in_bytes" : "memory.max";
	char dir[sizeof(cg->memory_stat)], path[sizeof(dir) + 32], buf[64];
	char *slash;
	bool found = false;

	*bytes = UINT64_MAX;
	if (!cg->memory_stat[0])
		return -ENOENT;
	snprintf(dir, sizeof(dir), "%s", cg->memory_stat);
	/* from the cgroup up: the root of a hierarchy has no such file
	 * (cgroup2), or says no limit (v1) */
	while ((slash = strrchr(dir, '/')) && slash != dir) {
		uint64_t v;

		*slash = '\0';
		snprintf(path, sizeof(path), "%s/%s", dir, file);
		if (pfx_read_file(path, buf, sizeof(buf)) <= 0)
			break;
		buf[strcspn(buf, "\n")] = '\0';
		found = true;
		/* "max" (cgroup2); v1's no limit is the largest page count */
		if (pfx_parse_u64(buf, &v) == 0 && v < (1ull << 62) && v < *bytes)
			*bytes = v;
	}
	return found ? 0 : -ENOENT;
}

int pfx_cgroup_read_faults(const struct pfx_cgroup *cg, struct pfx_kernel_faults *out)
{
	if (!cg->memory_stat[0])
		return -ENOENT;
	return cg->memory_v1 ? read_pair(cg->memory_stat, "total_pgfault", "total_pgmajfault", out)
			     : read_pair(cg->memory_stat, "pgfault", "pgmajfault", out);
}

int pfx_vmstat_read_faults(struct pfx_kernel_faults *out)
{
	return read_pair("/proc/vmstat", "pgfault", "pgmajfault", out);
}

static void copy_path(char *out, size_t size, const char *s, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(out, s, len);
	out[len] = '\0';
}

void pfx_cgroup_parse(const char *text, char *out, size_t size)
{
	const char *v2 = NULL, *mem = NULL;
	size_t v2_len = 0, mem_len = 0;

	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n');
		const char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (!end)
			end = line + strlen(line);
		if (c1 && c2 && c2 < end) {
			const char *path = c2 + 1;
			size_t len = (size_t)(end - path);
			size_t clen = (size_t)(c2 - c1 - 1);

			if (strncmp(line, "0::", 3) == 0) {
				v2 = path;
				v2_len = len;
			} else {
				/* controllers are a comma list: "4:memory:" or "5:cpu,memory:" */
				for (const char *c = c1 + 1; c < c2;) {
					size_t n = strcspn(c, ",:");

					if (n == 6 && strncmp(c, "memory", 6) == 0) {
						mem = path;
						mem_len = len;
					}
					c += n + 1;
				}
				(void)clen;
			}
		}
		line = *end ? end + 1 : NULL;
	}
	/* A hybrid host puts every process in the v2 root ("0::/") and
	 * confines them with v1 controllers: the memory path says more. */
	if (v2 && !(v2_len == 1 && v2[0] == '/'))
		copy_path(out, size, v2, v2_len);
	else if (mem)
		copy_path(out, size, mem, mem_len);
	else if (v2)
		copy_path(out, size, v2, v2_len);
	else
		copy_path(out, size, "/", 1);
}

int pfx_cgroup_of_pid(pid_t pid, char *out, size_t size)
{
	char path[64], buf[4096];
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	len = pfx_read_file(path, buf, sizeof(buf));
	if (len < 0)
		return len == -ENOENT ? -ESRCH : (int)len;
	if (len == 0)
		return -ESRCH;
	pfx_cgroup_parse(buf, out, size);
	return 0;
}
