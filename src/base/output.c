/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output: format names, JSON strings, and atomically committed output files. */
#include "config.h"
#include "output.h"
#include "safetext.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int pfx_format_parse(const char *name, enum pfx_format *out)
{
	static const char *const names[] = { "text", "json", "csv" };

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (name && strcmp(name, names[i]) == 0) {
			*out = (enum pfx_format)i;
			return 0;
		}
	}
	return -EINVAL;
}

void pfx_json_string(FILE *fp, const char *s)
{
	const char *p = s ? s : "";
	size_t n = strlen(p), i = 0, len;

	fputc('"', fp);
	while (i < n) {
		unsigned char c = (unsigned char)p[i];

		/* What safetext shows as it is goes out as it is; the rest as
		 * \uXXXX, so the document is valid JSON whatever the bytes
		 * and a terminal that shows it obeys no escape sequence. */
		len = pfx_safetext_char(p + i, n - i);
		if (len == 1 && (c == '"' || c == '\\')) {
			fputc('\\', fp);
			fputc(c, fp);
		} else if (len) {
			fwrite(p + i, 1, len, fp);
		} else if (c == '\n') {
			fputs("\\n", fp);
		} else if (c == '\t') {
			fputs("\\t", fp);
		} else if (c == 0xc2 && i + 1 < n && ((unsigned char)p[i + 1] & 0xe0) == 0x80) {
			/* a C1 control (U+0080-U+009F), as its code point */
			fprintf(fp, "\\u%04x", (unsigned char)p[i + 1]);
			len = 2;
		} else {
			/* a control, DEL, or a byte that is no UTF-8: the code
			 * point of the same number (0xff is \u00ff) */
			fprintf(fp, "\\u%04x", c);
		}
		i += len ? len : 1;
	}
	fputc('"', fp);
}

void pfx_csv_field(FILE *fp, const char *s)
{
	const char *p = s ? s : "";
	size_t n = strlen(p), i = 0, len;
	bool quote = strpbrk(p, ",\"") != NULL;

	/* CSV has no escapes of its own: controls and bytes that are no
	 * UTF-8 are written as safetext's \xNN (a newline too, so a field
	 * never spans lines); a comma or quote makes the field quoted. */
	if (quote)
		fputc('"', fp);
	while (i < n) {
		len = pfx_safetext_char(p + i, n - i);
		if (len == 1 && p[i] == '"') {
			fputs("\"\"", fp);
		} else if (len) {
			fwrite(p + i, 1, len, fp);
		} else {
			char esc[PFX_SAFETEXT_MAX_EXPAND + 1];

			pfx_safetext_n(esc, sizeof(esc), p + i, 1);
			fputs(esc, fp);
			len = 1;
		}
		i += len;
	}
	if (quote)
		fputc('"', fp);
}

/* Split path into its directory (opened O_PATH, so the temporary file and
 * the rename both land in that one directory even if a name on the way is
 * swapped meanwhile) and its last name. */
static int open_parent(const char *path, int *dirfd, char **base)
{
	const char *slash = strrchr(path, '/');
	char *dir;

	if (slash && !slash[1])
		return -EISDIR;	/* "dir/": not a file name */
	if (!slash)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	*base = strdup(slash ? slash + 1 : path);
	if (!dir || !*base) {
		free(dir);
		free(*base);
		return -ENOMEM;
	}
	*dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (*dirfd < 0) {
		int err = -errno;

		free(*base);
		return err;
	}
	return 0;
}

/* A new file beside the final name (out->path in out->dirfd), never an
 * existing one and never through a link (O_EXCL|O_NOFOLLOW): the name is
 * random, but another user who can write into the directory could still
 * guess it.  prefix: the path up to the name, for tmp_path. */
static int create_temp(struct pfx_outfile *out, const char *prefix)
{
	int err = 0, fd = -1;

	for (int tries = 0; tries < 100 && fd < 0; tries++) {
		uint64_t r = pfx_now_ns() ^ ((uint64_t)getpid() << 32) ^ ((uint64_t)tries * 0x9e3779b97f4a7c15ULL);

		if (getrandom(&r, sizeof(r), GRND_NONBLOCK) < 0)
			r ^= (uint64_t)(uintptr_t)&r;
		free(out->tmp_name);
		out->tmp_name = NULL;
		if (asprintf(&out->tmp_name, "%s.tmp.%012llx", out->path,
			     (unsigned long long)(r & 0xffffffffffffULL)) < 0) {
			out->tmp_name = NULL;
			err = -ENOMEM;
			break;
		}
		fd = openat(out->dirfd, out->tmp_name,
			    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		err = fd < 0 ? -errno : 0;
		if (fd < 0 && err != -EEXIST)
			break;
	}
	if (fd >= 0 && asprintf(&out->tmp_path, "%s%s", prefix, out->tmp_name) < 0) {
		out->tmp_path = NULL;
		err = -ENOMEM;
	}
	if (fd >= 0 && !err && !(out->fp = fdopen(fd, "w")))
		err = -errno;
	if (err) {
		if (fd >= 0) {
			unlinkat(out->dirfd, out->tmp_name, 0);
			close(fd);
		}
		return err;
	}
	return 0;
}

/* create_temp for path: its directory opened here. */
static int create_temp_at(struct pfx_outfile *out, const char *path)
{
	char *base = NULL, *prefix;
	int err = open_parent(path, &out->dirfd, &base);

	if (err) {
		out->dirfd = -1;
		return err;
	}
	out->path = base;
	prefix = strndup(path, strlen(path) - strlen(base));
	if (!prefix)
		return -ENOMEM;
	err = create_temp(out, prefix);
	free(prefix);
	return err;
}

/* An existing device or FIFO the user named: opened for writing only if
 * the name is still the same inode, not a link (a name swapped since the
 * O_PATH look is refused, not followed). */
static int open_in_place(struct pfx_outfile *out, const char *path, const struct stat *want)
{
	struct stat st;
	int fd = open(path, O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || st.st_dev != want->st_dev || st.st_ino != want->st_ino ||
	    (st.st_mode & S_IFMT) != (want->st_mode & S_IFMT)) {
		close(fd);
		return -ESTALE;
	}
	out->fp = fdopen(fd, "w");
	if (!out->fp) {
		int err = -errno;

		close(fd);
		return err;
	}
	out->in_place = true;
	return 0;
}

static int outfile_open(struct pfx_outfile *out, const char *path, bool named)
{
	struct stat st;
	int fd, err;

	memset(out, 0, sizeof(*out));
	out->dirfd = -1;
	if (!path || strcmp(path, "-") == 0) {
		out->fp = stdout;
		return 0;
	}
	/* What is at the name now, looked at on a descriptor of the name
	 * itself (O_PATH|O_NOFOLLOW: a link is seen as a link, nothing is
	 * opened for I/O, a FIFO does not block). */
	fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		err = fstat(fd, &st) < 0 ? -errno : 0;
		close(fd);
		if (err)
			return err;
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
		if (named && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode)))
			return open_in_place(out, path, &st);
		/* A link the user named that leads to a device or FIFO
		 * (/dev/stdout, or one planted by someone else): replacing
		 * the link would surprise, writing through it is what must
		 * never happen.  Which it leads to may change at any time;
		 * either answer is safe, since neither opens the target. */
		if (named && S_ISLNK(st.st_mode)) {
			struct stat target;

			if (stat(path, &target) == 0 && !S_ISREG(target.st_mode))
				return -ELOOP;
		}
	} else if (errno != ENOENT) {
		return -errno;
	}
	err = create_temp_at(out, path);
	if (err) {
		pfx_outfile_abort(out);
		return err;
	}
	return 0;
}

int pfx_outfile_open(struct pfx_outfile *out, const char *path)
{
	return outfile_open(out, path, true);
}

int pfx_outfile_create(struct pfx_outfile *out, const char *path)
{
	return outfile_open(out, path, false);
}

int pfx_outdir_open(struct pfx_outdir *d, const char *path)
{
	int err;

	memset(d, 0, sizeof(*d));
	err = open_parent(path, &d->dirfd, &d->name);
	if (err) {
		d->dirfd = -1;
		d->name = NULL;	/* freed by open_parent */
		return err;
	}
	d->prefix = strndup(path, strlen(path) - strlen(d->name));
	if (!d->prefix) {
		pfx_outdir_close(d);
		return -ENOMEM;
	}
	return 0;
}

void pfx_outdir_close(struct pfx_outdir *d)
{
	if (d->name && d->dirfd >= 0)
		close(d->dirfd);
	free(d->name);
	free(d->prefix);
	memset(d, 0, sizeof(*d));
	d->dirfd = -1;
}

int pfx_outfile_open_in(struct pfx_outfile *out, const struct pfx_outdir *d)
{
	struct stat st;
	int err;

	memset(out, 0, sizeof(*out));
	out->dirfd = -1;
	/* what is at the name, without following or opening it */
	if (fstatat(d->dirfd, d->name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
		if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
			return -ENODEV;
	} else if (errno != ENOENT) {
		return -errno;
	}
	/* a descriptor of the outfile's own, closed with it */
	out->dirfd = fcntl(d->dirfd, F_DUPFD_CLOEXEC, 0);
	out->path = strdup(d->name);
	if (out->dirfd < 0 || !out->path) {
		err = out->dirfd < 0 ? -errno : -ENOMEM;
		if (!out->path && out->dirfd >= 0)
			close(out->dirfd);
		out->dirfd = -1;
		pfx_outfile_abort(out);
		return err;
	}
	err = create_temp(out, d->prefix);
	if (err)
		pfx_outfile_abort(out);
	return err;
}

const char *pfx_outfile_strerror(int err)
{
	if (err == -ELOOP)
		return "it is a symbolic link to a device or FIFO, which pfx does not write through; name the target itself, or - for standard output";
	if (err == -ESTALE)
		return "it was replaced while being opened";
	if (err == -ENODEV)
		return "it is a FIFO, device or socket, not a regular file";
	return strerror(-err);
}

static void outfile_free(struct pfx_outfile *out)
{
	/* dirfd is open exactly when path is set (a zeroed, never opened
	 * struct has dirfd 0, which is not ours to close). */
	if (out->path && out->dirfd >= 0)
		close(out->dirfd);
	free(out->path);
	free(out->tmp_name);
	free(out->tmp_path);
	memset(out, 0, sizeof(*out));
	out->dirfd = -1;
}

int pfx_outfile_commit(struct pfx_outfile *out)
{
	int err = 0;

	if (!out->fp)
		return -EBADF;
	if (out->in_place) {
		if (fflush(out->fp) != 0 || ferror(out->fp))
			err = errno ? -errno : -EIO;
		if (fclose(out->fp) != 0 && !err)
			err = errno ? -errno : -EIO;
		out->fp = NULL;
		outfile_free(out);
		return err;
	}
	if (!out->path) {
		if (fflush(out->fp) != 0 || ferror(out->fp))
			err = errno ? -errno : -EIO;
		out->fp = NULL;
		return err;
	}
	/* The temporary file is 0600; output files should be as a plain create. */
	{
		mode_t mask = umask(0);

		umask(mask);
		fchmod(fileno(out->fp), 0666 & ~mask);
	}
	if (fflush(out->fp) != 0 || ferror(out->fp))
		err = errno ? -errno : -EIO;
	if (fclose(out->fp) != 0 && !err)
		err = errno ? -errno : -EIO;
	out->fp = NULL;
	/* rename replaces the name (a link planted there included), never
	 * what it pointed to. */
	if (!err && renameat(out->dirfd, out->tmp_name, out->dirfd, out->path) < 0)
		err = -errno;
	if (err)
		unlinkat(out->dirfd, out->tmp_name, 0);
	outfile_free(out);
	return err;
}

void pfx_outfile_abort(struct pfx_outfile *out)
{
	if (out->fp && out->fp != stdout)
		fclose(out->fp);
	if (out->tmp_name && out->path && out->dirfd >= 0)
		unlinkat(out->dirfd, out->tmp_name, 0);
	outfile_free(out);
}
