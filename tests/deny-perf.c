/* SPDX-License-Identifier: GPL-2.0-or-later */
/* deny-perf: run a command with perf_event_open(2) denied, as a container
 * seccomp profile would deny it: a classic seccomp filter makes the
 * syscall fail with EACCES (or the errno named by DENY_PERF_ERRNO:
 * EPERM, ENOSYS).  Used by the tests to force pfx's fallbacks for real.
 *   deny-perf CMD [ARGS...] */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The filter matches syscall numbers of the architecture it was built for. */
#if defined(__x86_64__)
#define DENY_PERF_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define DENY_PERF_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "deny-perf: add this architecture's AUDIT_ARCH_*"
#endif

static int deny_errno(void)
{
	const char *name = getenv("DENY_PERF_ERRNO");

	if (!name || strcmp(name, "EACCES") == 0)
		return EACCES;
	if (strcmp(name, "EPERM") == 0)
		return EPERM;
	if (strcmp(name, "ENOSYS") == 0)
		return ENOSYS;
	fprintf(stderr, "deny-perf: DENY_PERF_ERRNO must be EACCES, EPERM or ENOSYS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, DENY_PERF_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_perf_event_open, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned)deny_errno()),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(filter) / sizeof(filter[0]), .filter = filter };

	if (argc < 2) {
		fprintf(stderr, "usage: deny-perf CMD [ARGS...]\n");
		return 2;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		perror("deny-perf: seccomp");
		return 1;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "deny-perf: cannot run %s: %s\n", argv[1], strerror(errno));
	return 127;
}
