/* SPDX-License-Identifier: GPL-2.0-or-later */
/* util: small helpers every module needs: strict number parsing, clocks,
 * reading small files, and the one place pfx prints errors (the edge). */
#ifndef PFX_UTIL_H
#define PFX_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#define PFX_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit codes shared by every subcommand. */
enum {
	PFX_EXIT_OK = 0,
	PFX_EXIT_ERROR = 1,	/* runtime problem: bad PID, denied, I/O */
	PFX_EXIT_USAGE = 2,	/* the command line itself is wrong */
};

/* Print "pfx: <message>\n" on stderr.  Messages name the problem and the fix. */
void pfx_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Same, prefixed "pfx: warning: ". */
void pfx_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Open for reading a file whose name came from input (a recording's
 * mapping paths, debug files named by them, -i FILE): a regular file
 * only, and nothing else is ever opened for reading.  The name (symlinks
 * followed, as given) is resolved once with O_PATH, which opens no
 * device, FIFO or socket (an open of /dev/watchdog can reboot a host, of
 * a FIFO blocks), its inode is checked on that descriptor, and that same
 * inode is opened through /proc/self/fd/N (no swap between the check and
 * the open).  *st (if not NULL) is its stat.  fd (O_RDONLY, O_CLOEXEC,
 * O_NOCTTY, O_NONBLOCK), or -errno: -EISDIR a directory, -EINVAL any
 * other file that is not a regular one. */
int pfx_open_regular(const char *path, struct stat *st);

/* open(2) of the file ROOT/<fmt...> (NULL or "" root: the real system;
 * fixtures for tests otherwise).  fd or -errno. */
int pfx_open_under_root(const char *root, int flags, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Open ROOT/proc/PID/NAME.  fd, -ESRCH when the process is gone, -ENOENT
 * when it is there but the file is not (the kernel lacks it), -errno. */
int pfx_proc_open(const char *root, pid_t pid, const char *name, int flags);
/* Open ROOT/proc/PID/NAME read-only again in place of *fd.  A /proc file
 * of a process's memory (smaps, smaps_rollup, numa_maps) shows the address
 * space it was opened on and reads empty once that is gone: after an
 * execve a new open shows the new one.  0, or -ESRCH when the process is
 * gone (*fd untouched), -errno. */
int pfx_proc_reopen(int *fd, const char *root, pid_t pid, const char *name);

/* Strict parsers: the whole string must be consumed.  0 or -EINVAL/-ERANGE. */
int pfx_parse_u64(const char *s, uint64_t *out);
int pfx_parse_int(const char *s, int min, int max, int *out);
int pfx_parse_pid(const char *s, pid_t *out);
/* Bytes with an optional K/M/G/T suffix (powers of 1024). */
int pfx_parse_size(const char *s, uint64_t *out);
/* A non-negative decimal number of seconds (e.g. "0.5"). */
int pfx_parse_seconds(const char *s, double *out);
/* "123,456": a comma-separated PID list.  *pids is malloc'ed. */
int pfx_parse_pid_list(const char *s, pid_t **pids, size_t *count);

/* CLOCK_MONOTONIC in ns: the clock perf samples use (perf's default clock
 * is the same as CLOCK_MONOTONIC on x86 when use_clockid is set). */
uint64_t pfx_now_ns(void);
/* The directory of the running executable (for files installed or built
 * beside it: plot templates, pfx try's preload).  0 or -ENOENT. */
int pfx_exe_dir(char *dir, size_t size);
/* Look cmd up on $PATH as execvp does (its default "/bin:/usr/bin"
 * without one; an empty entry is the current directory): each DIR/cmd
 * in turn goes into path and to check, until one gives 0 (returned).
 * A result other than -ENOENT is remembered and the search goes on, as
 * execvp goes on past EACCES; the first such, or -ENOENT, at the end. */
int pfx_path_search(const char *cmd, char *path, size_t size,
		    int (*check)(const char *path, void *ctx), void *ctx);
uint64_t pfx_realtime_ns(void);

/* Read a whole small file (proc/sysfs) into buf, NUL-terminated.
 * Returns bytes read or -errno. */
ssize_t pfx_read_file(const char *path, char *buf, size_t size);

/* Read fd from its start to EOF into *buf (grown with realloc, *cap its
 * size; both may start NULL/0), NUL-terminated, at most chunk bytes per
 * read(): /proc seq files re-walk a record that does not fit a read, so
 * callers pick a chunk their records fit in.  Length or -errno. */
ssize_t pfx_read_fd_grow(int fd, size_t chunk, char **buf, size_t *cap);

/* Make room for at least need elements of elem bytes in the array *arrp
 * (a pointer to any pointer; NULL with *cap 0 to start), *cap its length
 * in elements: realloc() to first, or twice *cap, doubled until need fits.
 * 0, or -ENOMEM (array and *cap untouched).  PFX_GROW is the typed use:
 *     if (PFX_GROW(v->items, v->cap, v->n + 1, 16)) return -ENOMEM; */
int pfx_grow(void *arrp, size_t *cap, size_t need, size_t elem, size_t first);
#define PFX_GROW(arr, cap, need, first) \
	pfx_grow(&(arr), &(cap), (need), sizeof(*(arr)), (first))

/* Write all of buf to fd, retrying on EINTR and short writes.  0 or -errno. */
int pfx_write_all(int fd, const void *buf, size_t len);

/* True if s starts with prefix. */
bool pfx_starts_with(const char *s, const char *prefix);

#endif
