/* output: format names, JSON strings, and atomically committed output files. */
#include "config.h"
#include "output.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
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

int pfx_format_option(const char *name, enum pfx_format *out)
{
	if (pfx_format_parse(name, out) == 0)
		return 0;
	pfx_err("unknown format '%s'; use text, json or csv", name);
	return -EINVAL;
}

void pfx_json_string(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", fp); break;
		case '\\': fputs("\\\\", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\t': fputs("\\t", fp); break;
		default:
			if (*p < 0x20)
				fprintf(fp, "\\u%04x", *p);
			else
				fputc(*p, fp);
		}
	}
	fputc('"', fp);
}

void pfx_csv_field(FILE *fp, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

int pfx_outfile_open(struct pfx_outfile *out, const char *path)
{
	struct stat st;
	int fd, err;

	memset(out, 0, sizeof(*out));
	if (!path || strcmp(path, "-") == 0) {
		out->fp = stdout;
		return 0;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		out->fp = fopen(path, "we");
		if (!out->fp)
			return -errno;
		out->in_place = true;
		return 0;
	}
	out->path = strdup(path);
	if (!out->path || asprintf(&out->tmp_path, "%s.tmp.XXXXXX", path) < 0) {
		free(out->path);
		out->path = NULL;
		return -ENOMEM;
	}
	fd = mkostemp(out->tmp_path, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		free(out->path);
		free(out->tmp_path);
		memset(out, 0, sizeof(*out));
		return err;
	}
	out->fp = fdopen(fd, "w");
	if (!out->fp) {
		err = -errno;
		close(fd);
		unlink(out->tmp_path);
		free(out->path);
		free(out->tmp_path);
		memset(out, 0, sizeof(*out));
		return err;
	}
	return 0;
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
		return err;
	}
	if (!out->path) {
		if (fflush(out->fp) != 0 || ferror(out->fp))
			err = errno ? -errno : -EIO;
		out->fp = NULL;
		return err;
	}
	/* mkstemp creates 0600; output files should be as a plain create. */
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
	if (!err && rename(out->tmp_path, out->path) < 0)
		err = -errno;
	if (err)
		unlink(out->tmp_path);
	free(out->path);
	free(out->tmp_path);
	out->path = out->tmp_path = NULL;
	return err;
}

void pfx_outfile_abort(struct pfx_outfile *out)
{
	if (out->fp && out->in_place)
		fclose(out->fp);
	if (out->fp && out->path) {
		fclose(out->fp);
		unlink(out->tmp_path);
	}
	free(out->path);
	free(out->tmp_path);
	memset(out, 0, sizeof(*out));
}
