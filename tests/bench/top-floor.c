/* SPDX-License-Identifier: GPL-2.0-or-later */
/* top-floor: what the reads of one 'pfx top' refresh cost by themselves,
 * with no parsing, ordering or output (the floor in doc/top.md, under
 * tests/bench/top.sh).  Each pass lists /proc through a kept, rewound
 * directory handle (as pfx does) and then, per listed process, does the
 * reads named on the command line:
 *
 *   stat=k|o    pread /proc/PID/stat (k: through a descriptor kept from the
 *               first pass while the descriptor limit allows, else opened,
 *               read and closed; o: opened, read and closed every pass)
 *   statm=k|o   the same for /proc/PID/statm
 *   status=k|o  the same for /proc/PID/status
 *   uid=k|o     the PIDFD_GET_INFO ioctl (creds) on a pidfd, kept or
 *               pidfd_open()ed and closed every pass
 *   dirstat     fstatat() of /proc/PID, as procps does for the owner
 *
 * Descriptors are handed out in the order the words are given (pfx keeps
 * stat first, then its second file, then the pidfd).  procps top's reads
 * are "stat=o statm=o dirstat".
 *
 * usage: top-floor PASSES GAP_MS WORD...
 * The first pass (opening what is kept) is not counted; the others run
 * GAP_MS apart, as refreshes are, each timed by the process's own CPU
 * clock.  Prints "processes N kept K cpu_us_per_pass median M mean A". */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* The start of struct pidfd_info (Linux 6.13), as src/kernel/target.c. */
struct pidfd_info_v1 {
	uint64_t mask, cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;
};
#define PIDFD_GET_INFO_ _IOWR(0xFF, 11, struct pidfd_info_v1)

enum { F_STAT, F_STATM, F_STATUS, F_UID, NFILES };
static const char *const names[NFILES] = { "stat", "statm", "status", "uid" };

struct proc {
	int pid;
	int fd[NFILES];
};

static int order[NFILES], nwords, want_dirstat;
static char mode[NFILES];	/* 0: not read, 'k' or 'o' */
static struct proc *procs;
static size_t nprocs, cap, kept;
static long budget;
static char buf[8192];

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int open_file(int dirfd, int pid, int f)
{
	char path[64];

	if (f == F_UID)
		return (int)syscall(SYS_pidfd_open, pid, 0);
	snprintf(path, sizeof(path), "%d/%s", pid, names[f]);
	return openat(dirfd, path, O_RDONLY | O_CLOEXEC);
}

static void read_file(int fd, int f)
{
	if (f == F_UID) {
		struct pidfd_info_v1 info = { .mask = 2 };

		ioctl(fd, PIDFD_GET_INFO_, &info);
	} else {
		(void)!pread(fd, buf, sizeof(buf) - 1, 0);
	}
}

/* The process's row, found by PID (listed in order, as /proc lists them). */
static struct proc *row(int pid)
{
	size_t lo = 0, hi = nprocs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (procs[mid].pid < pid)
			lo = mid + 1;
		else if (procs[mid].pid > pid)
			hi = mid;
		else
			return &procs[mid];
	}
	if (nprocs == cap) {
		cap = cap ? 2 * cap : 1024;
		procs = realloc(procs, cap * sizeof(*procs));
		if (!procs)
			exit(1);
	}
	memmove(&procs[lo + 1], &procs[lo], (nprocs - lo) * sizeof(*procs));
	nprocs++;
	procs[lo].pid = pid;
	for (int f = 0; f < NFILES; f++)
		procs[lo].fd[f] = -1;
	return &procs[lo];
}

static void pass(DIR *dir, int dirfd)
{
	struct dirent *de;

	rewinddir(dir);
	while ((de = readdir(dir))) {
		struct proc *p;
		int pid = atoi(de->d_name);

		if (pid <= 0)
			continue;
		p = row(pid);
		for (int w = 0; w < nwords; w++) {
			int f = order[w], fd = p->fd[f];

			if (fd < 0) {
				fd = open_file(dirfd, pid, f);
				if (fd < 0)
					continue;
				if (mode[f] == 'k' && (long)kept < budget) {
					p->fd[f] = fd;
					kept++;
				}
			}
			read_file(fd, f);
			if (fd != p->fd[f])
				close(fd);
		}
		if (want_dirstat) {
			struct stat st;

			fstatat(dirfd, de->d_name, &st, 0);
		}
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	struct timespec gap;
	uint64_t *cpu, sum = 0;
	int passes, dirfd;
	DIR *dir;

	if (argc < 3) {
		fprintf(stderr, "usage: top-floor PASSES GAP_MS stat=k|o statm=k|o status=k|o uid=k|o dirstat...\n");
		return 2;
	}
	passes = atoi(argv[1]);
	gap.tv_sec = atoi(argv[2]) / 1000;
	gap.tv_nsec = (long)(atoi(argv[2]) % 1000) * 1000000;
	for (int i = 3; i < argc; i++) {
		int f;

		if (strcmp(argv[i], "dirstat") == 0) {
			want_dirstat = 1;
			continue;
		}
		for (f = 0; f < NFILES; f++) {
			size_t len = strlen(names[f]);

			if (strncmp(argv[i], names[f], len) == 0 && argv[i][len] == '=' &&
			    (argv[i][len + 1] == 'k' || argv[i][len + 1] == 'o'))
				break;
		}
		if (f == NFILES || mode[f]) {
			fprintf(stderr, "top-floor: bad word '%s'\n", argv[i]);
			return 2;
		}
		mode[f] = argv[i][strlen(names[f]) + 1];
		order[nwords++] = f;
	}
	if (passes < 1)
		return 2;
	/* as pfx: the soft limit raised to the hard one, less a reserve */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
		budget = rl.rlim_cur == RLIM_INFINITY ? 1 << 20 : (long)rl.rlim_cur - 64;
	}
	dirfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dir = fdopendir(dup(dirfd));
	cpu = calloc((size_t)passes, sizeof(*cpu));
	if (dirfd < 0 || !dir || !cpu)
		return 1;
	pass(dir, dirfd);
	for (int i = 0; i < passes; i++) {
		uint64_t t0;

		nanosleep(&gap, NULL);
		t0 = cpu_ns();
		pass(dir, dirfd);
		cpu[i] = cpu_ns() - t0;
		sum += cpu[i];
	}
	qsort(cpu, (size_t)passes, sizeof(*cpu), cmp_u64);
	printf("processes %zu kept %zu cpu_us_per_pass median %.0f mean %.0f\n", nprocs, kept,
	       (double)cpu[passes / 2] / 1e3, (double)sum / passes / 1e3);
	return 0;
}
