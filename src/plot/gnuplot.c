/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gnuplot: locate gnuplot in $PATH and run it on a script with a timeout,
 * collecting its stderr so the caller can show what went wrong. */
#include "config.h"
#include "gnuplot.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void exec_gnuplot(const char *gnuplot, const char *script, int err_fd)
{
	int null_fd = open("/dev/null", O_RDWR);

	/* The child only calls async-signal-safe functions until exec. */
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

/* Read the child's stderr until EOF or the deadline.  0 or -ETIMEDOUT. */
static int collect_messages(int fd, uint64_t deadline_ns, char *buf, size_t *len)
{
	for (;;) {
		uint64_t now = pfx_now_ns();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int ready;

		if (now >= deadline_ns)
			return -ETIMEDOUT;
		ready = poll(&pfd, 1, (int)((deadline_ns - now) / 1000000 + 1));
		if (ready < 0 && errno != EINTR)
			return -errno;
		if (ready > 0 && !drain(fd, buf, len))
			return 0;
	}
}

int pfx_gnuplot_run(const char *gnuplot, const char *script, unsigned timeout_ms,
		    char **messages)
{
	uint64_t deadline = pfx_now_ns() + (uint64_t)timeout_ms * 1000000;
	size_t len = 0;
	int pipe_fds[2], status, err;
	char *buf;
	pid_t pid;

	*messages = NULL;
	buf = calloc(1, MESSAGES_MAX + 1);
	if (!buf)
		return -ENOMEM;
	if (pipe2(pipe_fds, O_CLOEXEC) < 0) {
		err = -errno;
		free(buf);
		return err;
	}
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(pipe_fds[0]);
		close(pipe_fds[1]);
		free(buf);
		return err;
	}
	if (pid == 0)
		exec_gnuplot(gnuplot, script, pipe_fds[1]);
	close(pipe_fds[1]);
	err = collect_messages(pipe_fds[0], deadline, buf, &len);
	close(pipe_fds[0]);
	if (err)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*messages = buf;
	if (err)
		return err;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -EPROTO;
	return 0;
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

/* A control character becomes a space: a newline (or CR, or a form feed)
 * would end the command and start one of the string's choosing, and none
 * of them belongs in a label. */
static int printable(unsigned char c)
{
	return c < 0x20 || c == 0x7f ? ' ' : c;
}

void pfx_gnuplot_string(FILE *fp, const char *s)
{
	fputc('\'', fp);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '\'')
			fputs("''", fp);
		else
			fputc(printable(*p), fp);
	}
	fputc('\'', fp);
}

void pfx_gnuplot_data_label(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++)
		fputc(*p == '"' ? '\'' : printable(*p), fp);
	fputc('"', fp);
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
