/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util: strict parsing, clocks, small-file reads, and error printing. */
#include "config.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static __attribute__((format(printf, 2, 0))) void vmessage(const char *prefix, const char *fmt,
							    va_list ap)
{
	/* One fprintf so concurrent writers do not interleave mid-line. */
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "pfx: %s%s\n", prefix, line);
}

void pfx_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
}

void pfx_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage("warning: ", fmt, ap);
	va_end(ap);
}

int pfx_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	/* strtoull accepts "-1" and leading blanks: refuse both. */
	if (!s || !*s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int pfx_parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end || end == s)
		return -EINVAL;
	if (errno || v < min || v > max)
		return -ERANGE;
	*out = (int)v;
	return 0;
}

int pfx_parse_pid(const char *s, pid_t *out)
{
	int v, err;

	err = pfx_parse_int(s, 1, INT_MAX, &v);
	if (err)
		return err;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	*out = v;
	return 0;
}

int pfx_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: return -EINVAL;
	}
	/* Accept an optional trailing B or iB ("64MiB", "64MB"). */
	if (shift && (*end == 'i' || *end == 'I'))
		end++;
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end)
		return -EINVAL;
	if (shift && v > (ULLONG_MAX >> shift))
		return -ERANGE;
	*out = (uint64_t)v << shift;
	return 0;
}

int pfx_parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s || !((*s >= '0' && *s <= '9') || *s == '.'))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (*end || end == s)
		return -EINVAL;
	if (errno || !isfinite(v) || v < 0)
		return -ERANGE;
	*out = v;
	return 0;
}

int pfx_parse_pid_list(const char *s, pid_t **pids, size_t *count)
{
	char *copy, *tok, *save = NULL;
	pid_t *list = NULL;
	size_t n = 0;
	int err = 0;

	if (!s || !*s)
		return -EINVAL;
	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		pid_t *grown = realloc(list, (n + 1) * sizeof(*list));

		if (!grown) {
			err = -ENOMEM;
			break;
		}
		list = grown;
		err = pfx_parse_pid(tok, &list[n]);
		if (err)
			break;
		n++;
	}
	/* "1,,2" and "1," leave empty tokens that strtok skips: refuse them. */
	if (!err && (n == 0 || strstr(s, ",,") || s[0] == ',' || s[strlen(s) - 1] == ','))
		err = -EINVAL;
	free(copy);
	if (err) {
		free(list);
		return err;
	}
	*pids = list;
	*count = n;
	return 0;
}

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t pfx_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t pfx_realtime_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

ssize_t pfx_read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	int fd;

	if (size == 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < size - 1) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			close(fd);
			return -err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

ssize_t pfx_read_fd_grow(int fd, size_t chunk, char **buf, size_t *cap)
{
	size_t len = 0;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (PFX_GROW(*buf, *cap, len + chunk + 1, 1u << 16))
			return -ENOMEM;
		n = read(fd, *buf + len, chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	(*buf)[len] = '\0';
	return (ssize_t)len;
}

int pfx_grow(void *arrp, size_t *cap, size_t need, size_t elem, size_t first)
{
	size_t n = *cap ? *cap : (first ? first : 1);
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return -ENOMEM;
		n *= 2;
	}
	if (elem && n > SIZE_MAX / elem)
		return -ENOMEM;
	/* The array pointer is read and written as bytes: arrp may point to
	 * any object pointer type, which void * must not alias. */
	memcpy(&p, arrp, sizeof(p));
	p = realloc(p, n * elem);
	if (!p)
		return -ENOMEM;
	memcpy(arrp, &p, sizeof(p));
	*cap = n;
	return 0;
}

int pfx_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

bool pfx_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int pfx_open_regular(const char *path, struct stat *st)
{
	struct stat sb;
	char self[64];
	int at, fd, err;

	at = open(path, O_PATH | O_CLOEXEC);
	if (at < 0)
		return -errno;
	if (fstat(at, &sb) < 0) {
		err = errno;
		close(at);
		return -err;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(at);
		return S_ISDIR(sb.st_mode) ? -EISDIR : -EINVAL;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", at);
	fd = open(self, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	err = errno;
	close(at);
	if (fd < 0)
		return -err;
	if (st)
		*st = sb;
	return fd;
}

int pfx_open_under_root(const char *root, int flags, const char *fmt, ...)
{
	char rel[PATH_MAX], full[PATH_MAX];
	va_list ap;
	int n, fd;

	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (n < 0 || n >= (int)sizeof(rel) ||
	    snprintf(full, sizeof(full), "%s%s", root ? root : "", rel) >= (int)sizeof(full))
		return -ENAMETOOLONG;
	fd = open(full, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int pfx_proc_open(const char *root, pid_t pid, const char *name, int flags)
{
	int fd = pfx_open_under_root(root, flags, "/proc/%d/%s", (int)pid, name);
	int dir;

	if (fd != -ENOENT)
		return fd;
	/* No such file: is it the process or the kernel that lacks it? */
	dir = pfx_open_under_root(root, O_RDONLY | O_DIRECTORY, "/proc/%d", (int)pid);
	if (dir < 0)
		return -ESRCH;
	close(dir);
	return -ENOENT;
}

int pfx_proc_reopen(int *fd, const char *root, pid_t pid, const char *name)
{
	int fresh = pfx_proc_open(root, pid, name, O_RDONLY);

	if (fresh < 0)
		return fresh == -ENOENT ? -ESRCH : fresh;
	if (*fd >= 0)
		close(*fd);
	*fd = fresh;
	return 0;
}

int pfx_exe_dir(char *dir, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", dir, size - 1);
	char *slash;

	if (n <= 0)
		return -ENOENT;
	dir[n] = '\0';
	slash = strrchr(dir, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	return 0;
}

int pfx_path_search(const char *cmd, char *path, size_t size,
		    int (*check)(const char *path, void *ctx), void *ctx)
{
	const char *dirs = getenv("PATH");
	int err = -ENOENT;

	if (!dirs)
		dirs = "/bin:/usr/bin";
	for (const char *p = dirs;; p++) {
		size_t len = strcspn(p, ":");
		int e;

		if ((size_t)snprintf(path, size, "%.*s%s%s", (int)len, len ? p : ".", "/", cmd) < size &&
		    (e = check(path, ctx)) != -ENOENT) {
			if (e == 0)
				return 0;
			if (err == -ENOENT)
				err = e;
		}
		p += len;
		if (!*p)
			return err;
	}
}
