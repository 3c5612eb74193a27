/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gnuplot: locate gnuplot in $PATH and run it on a script under memory
 * and CPU limits and a timeout, collecting its stderr so the caller can
 * show what went wrong; and the one writer of strings into scripts. */
#include "config.h"
#include "gnuplot.h"
#include "safetext.h"
#include "sig.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* gnuplot's stderr is kept up to this size; more is dropped. */
#define MESSAGES_MAX (64 * 1024)

static bool is_executable_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int pfx_gnuplot_find(char **path)
{
	const char *env = getenv("PATH");
	char *dirs, *dir, *save = NULL;
	int err = -ENOENT;

	if (!env || !*env)
		return -ENOENT;
	dirs = strdup(env);
	if (!dirs)
		return -ENOMEM;
	for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *candidate;

		if (asprintf(&candidate, "%s/gnuplot", dir) < 0) {
			err = -ENOMEM;
			break;
		}
		if (is_executable_file(candidate)) {
			*path = candidate;
			err = 0;
			break;
		}
		free(candidate);
	}
	free(dirs);
	return err;
}

/* The signals that ask pfx to stop (sig.h): blocked but while waiting in
 * ppoll(), so one that comes between a check of the flag and the wait
 * still wakes it. */
static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

/* In the child, before exec: only async-signal-safe calls.  The limits
 * hold whatever the script or its data make gnuplot do; the parent-death
 * signal ends it if pfx is killed before it can. */
static void exec_gnuplot(const char *gnuplot, const char *script, int err_fd,
			 const sigset_t *mask, pid_t parent)
{
	struct rlimit mem = { PFX_GNUPLOT_MEM_BYTES, PFX_GNUPLOT_MEM_BYTES };
	struct rlimit cpu = { PFX_GNUPLOT_CPU_S, PFX_GNUPLOT_CPU_S + 5 };
	int null_fd = open("/dev/null", O_RDWR);

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(127);
	if (setrlimit(RLIMIT_AS, &mem) < 0 || setrlimit(RLIMIT_CPU, &cpu) < 0)
		_exit(127);
	/* pfx ignores SIGPIPE; gnuplot gets the defaults and pfx's mask */
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, mask, NULL);
	if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 ||
	    dup2(null_fd, STDOUT_FILENO) < 0 || dup2(err_fd, STDERR_FILENO) < 0)
		_exit(127);
	execl(gnuplot, "gnuplot", script, (char *)NULL);
	_exit(127);
}

/* Append what is readable on fd to buf; 1 = more may come, 0 = EOF. */
static int drain(int fd, char *buf, size_t *len)
{
	char chunk[4096];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : 0;
	if (n == 0)
		return 0;
	if (*len + (size_t)n > MESSAGES_MAX)
		n = (ssize_t)(MESSAGES_MAX - *len);
	memcpy(buf + *len, chunk, (size_t)n);
	*len += (size_t)n;
	buf[*len] = '\0';
	return 1;
}

/* Read the child's stderr until EOF, the deadline or a stop request
 * (the stop signals blocked: ppoll unblocks them while it waits).
 * 0, -ETIMEDOUT or -EINTR. */
static int collect_messages(int fd, uint64_t deadline_ns, const sigset_t *wait_mask,
			    char *buf, size_t *len)
{
	for (;;) {
		uint64_t now = pfx_now_ns(), left;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct timespec ts;
		int ready;

		if (pfx_sig_stop_requested())
			return -EINTR;
		if (now >= deadline_ns)
			return -ETIMEDOUT;
		left = deadline_ns - now;
		ts.tv_sec = (time_t)(left / 1000000000u);
		ts.tv_nsec = (long)(left % 1000000000u);
		ready = ppoll(&pfd, 1, &ts, wait_mask);
		if (ready < 0 && errno != EINTR)
			return -errno;
		if (ready > 0 && !drain(fd, buf, len))
			return 0;
	}
}

/* Whether gnuplot (or what stands in for it) said it ran out of memory:
 * gnuplot's "out of memory for ...", glibc's and shells' "cannot
 * allocate", C++'s bad_alloc, Python's MemoryError. */
static bool said_out_of_memory(const char *messages)
{
	static const char *const words[] = {
		"out of memory", "cannot allocate", "bad_alloc", "MemoryError", "memory exhausted",
	};

	for (size_t i = 0; i < PFX_ARRAY_SIZE(words); i++)
		if (strcasestr(messages, words[i]))
			return true;
	return false;
}

/* What became of a gnuplot that exited or died on its own. */
static int outcome(int status, const struct rusage *ru, const char *messages)
{
	double cpu_s = (double)ru->ru_utime.tv_sec + (double)ru->ru_stime.tv_sec +
		       (ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1e6;

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if ((WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU) || cpu_s >= PFX_GNUPLOT_CPU_S)
		return -ETIME;
	if (said_out_of_memory(messages))
		return -EDQUOT;
	return -EPROTO;
}

int pfx_gnuplot_run(const char *gnuplot, const char *script, unsigned timeout_ms,
		    char **messages)
{
	uint64_t deadline = pfx_now_ns() + (uint64_t)timeout_ms * 1000000;
	size_t len = 0;
	int pipe_fds[2], status, err;
	sigset_t stops, old_mask;
	struct rusage ru;
	pid_t pid, parent = getpid();
	char *buf;

	*messages = NULL;
	buf = calloc(1, MESSAGES_MAX + 1);
	if (!buf)
		return -ENOMEM;
	if (pipe2(pipe_fds, O_CLOEXEC) < 0) {
		err = -errno;
		free(buf);
		return err;
	}
	stop_signals(&stops);
	sigprocmask(SIG_BLOCK, &stops, &old_mask);
	pid = pfx_sig_stop_requested() ? -1 : fork();
	if (pid < 0) {
		err = pfx_sig_stop_requested() ? -EINTR : -errno;
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		close(pipe_fds[0]);
		close(pipe_fds[1]);
		free(buf);
		return err;
	}
	if (pid == 0)
		exec_gnuplot(gnuplot, script, pipe_fds[1], &old_mask, parent);
	close(pipe_fds[1]);
	err = collect_messages(pipe_fds[0], deadline, &old_mask, buf, &len);
	close(pipe_fds[0]);
	if (err)
		kill(pid, SIGKILL);
	while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	*messages = buf;
	return err ? err : outcome(status, &ru, buf);
}

/* gnuplot reports errors as '"FILE" line N: problem'. */
static bool is_error_line(const char *line, size_t len)
{
	char copy[512];

	if (len >= sizeof(copy))
		len = sizeof(copy) - 1;
	memcpy(copy, line, len);
	copy[len] = '\0';
	return strstr(copy, " line ") && strstr(copy, ": ") && !strstr(copy, "warning:");
}

void pfx_gnuplot_summary(const char *messages, char *buf, unsigned size)
{
	const char *line = messages ? messages : "", *best = NULL;
	size_t best_len = 0;

	if (size == 0)
		return;
	while (*line) {
		const char *end = strchrnul(line, '\n');
		size_t len = (size_t)(end - line);

		if (is_error_line(line, len)) {
			best = line;
			best_len = len;
			break;
		}
		if (strspn(line, " \t^") < len) {
			best = line;
			best_len = len;
		}
		line = *end ? end + 1 : end;
	}
	if (!best) {
		snprintf(buf, size, "no message");
		return;
	}
	while (best_len && (*best == ' ' || *best == '\t')) {
		best++;
		best_len--;
	}
	snprintf(buf, size, "%.*s", (int)best_len, best);
}

/* Longest string written whole: a path (PATH_MAX); longer ones are cut
 * (at a whole character). */
#define STRING_MAX PATH_MAX

static void write_quoted(FILE *fp, const char *s, bool format)
{
	char safe[PFX_SAFETEXT_BUF(STRING_MAX)];

	pfx_safetext(safe, sizeof(safe), s);
	fputc('\'', fp);
	for (const char *p = safe; *p; p++) {
		if (*p == '\'')
			fputs("''", fp);
		else if (*p == '%' && format)
			fputs("%%", fp);
		else
			fputc(*p, fp);
	}
	fputc('\'', fp);
}

void pfx_gnuplot_string(FILE *fp, const char *s)
{
	write_quoted(fp, s, false);
}

void pfx_gnuplot_format_string(FILE *fp, const char *s)
{
	write_quoted(fp, s, true);
}

void pfx_gnuplot_set_string(FILE *fp, const char *name, const char *value)
{
	fprintf(fp, "%s = ", name);
	pfx_gnuplot_string(fp, value);
	fputc('\n', fp);
}

void pfx_gnuplot_set_number(FILE *fp, const char *name, double value)
{
	fprintf(fp, "%s = %.15g\n", name, value);
}
