/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_advise: 'pfx advise' - what costs faults in a recording and what to
 * do about it.  Options here; the rules in advise/advise.c over one
 * analysis; with '-- CMD' the command is recorded first ('pfx record'
 * into a temporary file, its options passed on). */
#include "config.h"
#include "advise.h"
#include "analysis.h"
#include "cmd.h"
#include "hostscope.h"
#include "maps.h"
#include "opts.h"
#include "output.h"
#include "recfile.h"
#include "safetext.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define THP_ENABLED "/sys/kernel/mm/transparent_hugepage/enabled"
#define THP_DEFRAG "/sys/kernel/mm/transparent_hugepage/defrag"

enum { OPT_THP = PFX_OPT_ID_LONG, OPT_CGROUP };

struct advise_opts {
	const char *input;
	enum pfx_format format;
	const char *thp;	/* hidden --thp MODE: the host's, for tests */
	const char *cgroup;	/* --cgroup NAME: the command's, for its memory limit */
	char **cmd;		/* -- CMD: record it first */
	int cmd_argc;
	char **record_args;	/* the record options given */
	int nrecord_args;
};

static const struct pfx_opt advise_options[] = {
	PFX_OPT('i', "input", "FILE", "record file (default pfx.data)"),
	PFX_OPT('F', "format", "FMT", "text (default) or json"),
	PFX_OPT_LONG(OPT_CGROUP, "cgroup", "NAME",
		     "the cgroup the command ran in, for its memory limit, where\n"
		     "the recording names none (default with -- CMD: pfx's own)"),
	PFX_OPT_POSITIONALS("[record options] -- CMD", "record CMD first (pfx-record(1)'s options), then advise"),
	PFX_OPT_SECRET(OPT_THP, "thp", "MODE"),
	PFX_OPT('h', "help", NULL, "this help"),
	PFX_OPT_END,
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: pfx advise [-i FILE] [--format text|json] [--cgroup NAME]\n"
		"       pfx advise [--format text|json] [--cgroup NAME] [record options] -- CMD [ARGS]\n"
		"Say what costs faults in a recording and what to do about it: each finding\n"
		"with what it saw, its cost, the remedy and how sure it is, biggest first.\n");
	pfx_opts_help(fp, advise_options, 23);
	fprintf(fp, "See pfx-advise(1) and doc/advise.md.\n");
}

/* With "--": advise's own options before it are advise's, the other words
 * record's.  Returns the index of "--" or -1. */
static int split_args(int argc, char **argv, struct advise_opts *o, char ***own, int *nown)
{
	int dash = -1;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			dash = i;
			break;
		}
	if (dash < 0)
		return -1;
	*own = calloc((size_t)argc + 1, sizeof(char *));
	o->record_args = calloc((size_t)argc + 1, sizeof(char *));
	if (!*own || !o->record_args)
		return -2;
	(*own)[(*nown)++] = argv[0];
	for (int i = 1; i < dash; i++) {
		const char *w = argv[i];
		bool mine = strcmp(w, "-h") == 0 || strcmp(w, "--help") == 0 ||
			    strncmp(w, "--format=", 9) == 0 || strncmp(w, "--thp=", 6) == 0 ||
			    strncmp(w, "--cgroup=", 9) == 0 ||
			    strncmp(w, "--input=", 8) == 0 || pfx_opts_takes_value(advise_options, w);

		if (!mine) {
			o->record_args[o->nrecord_args++] = argv[i];
			continue;
		}
		(*own)[(*nown)++] = argv[i];
		if (pfx_opts_takes_value(advise_options, w) && i + 1 < dash)
			(*own)[(*nown)++] = argv[++i];
	}
	o->cmd = argv + dash + 1;
	o->cmd_argc = argc - dash - 1;
	return dash;
}

static int parse_args(int argc, char **argv, struct advise_opts *o, char ***own)
{
	struct pfx_opts p;
	bool input = false;
	int c, nown = 0, dash;

	memset(o, 0, sizeof(*o));
	o->input = "pfx.data";
	dash = split_args(argc, argv, o, own, &nown);
	if (dash == -2) {
		pfx_err("advise: out of memory");
		return PFX_EXIT_ERROR;
	}
	if (dash >= 0)
		argc = nown, argv = *own;
	pfx_opts_begin(&p, "advise", advise_options, "", argc, argv);
	while ((c = pfx_opts_next(&p)) != -1) {
		const char *arg = p.value;

		switch (c) {
		case 'i':
			o->input = arg;
			input = true;
			break;
		case 'F':
			if (pfx_format_parse(arg, &o->format) < 0 || o->format == PFX_FORMAT_CSV) {
				pfx_err("advise: --format '%s' is unknown; use text or json", arg);
				return PFX_EXIT_USAGE;
			}
			break;
		case OPT_THP:
			o->thp = arg;
			break;
		case OPT_CGROUP: {
			struct pfx_cgroup cg;

			/* checked before a command runs */
			if (pfx_cgroup_resolve(arg, &cg, NULL, 0) < 0 || !cg.memory_stat[0]) {
				pfx_err("advise: --cgroup '%s' is in no memory hierarchy; give its path as "
					"/proc/PID/cgroup shows it (e.g. /system.slice/app.service)", arg);
				return PFX_EXIT_USAGE;
			}
			o->cgroup = arg;
			break;
		}
		case 'h':
			usage(stdout);
			return -1;
		default:
			pfx_opts_refused(&p, c);
			return PFX_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		pfx_err("advise: unexpected argument '%s'; give the file with -i, or a command after --",
			argv[optind]);
		return PFX_EXIT_USAGE;
	}
	if (dash >= 0 && o->cmd_argc == 0) {
		pfx_err("advise: no command after '--'; give one, e.g. pfx advise -- python3 prog.py");
		return PFX_EXIT_USAGE;
	}
	if (dash >= 0 && input) {
		pfx_err("advise: -i FILE and '-- CMD' do not go together; advise a recording or a command");
		return PFX_EXIT_USAGE;
	}
	return 0;
}

/* The memory limit of a cgroup as a recording names it (hostscope's
 * name), read now from the hierarchy that holds its memory (cgroup2's
 * memory.max, or v1's memory.limit_in_bytes; the smallest up to the
 * root): host->memory_limit for the rules. */
static int cgroup_limit(const char *cgroup, uint64_t *bytes)
{
	struct pfx_cgroup cg;
	int err = pfx_cgroup_resolve(cgroup, &cg, NULL, 0);

	return err < 0 ? err : pfx_cgroup_memory_limit(&cg, bytes);
}

/* The limit as the JSON's memory_max says it: bytes, "max" (none), ""
 * (unreadable). */
static const char *memory_max(const char *cgroup, char *buf, size_t size)
{
	uint64_t v;

	buf[0] = 0;
	if (cgroup && cgroup_limit(cgroup, &v) == 0)
		snprintf(buf, size, v == UINT64_MAX ? "max" : "%" PRIu64, v);
	return buf;
}

/* THP's mode: --thp (tests) or the host's, now; the recording does not
 * hold it. */
static int host_state(const struct advise_opts *o, struct pfx_advise_host *host, char *cgroup, size_t size)
{
	char buf[128];

	memset(host, 0, sizeof(*host));
	host->thp_now = true;
	host->memory_limit = cgroup_limit;
	/* the cgroup given; else '-- CMD' ran in pfx's own (unless it moved
	 * itself); a recording's own names come first (advise.c) */
	if (o->cgroup)
		host->cgroup = o->cgroup;
	else if (o->cmd && pfx_cgroup_of_pid(getpid(), cgroup, size) == 0) {
		host->cgroup = cgroup;
	}
	if (o->thp) {
		for (enum pfx_advise_thp t = PFX_ADVISE_THP_UNKNOWN; t <= PFX_ADVISE_THP_NEVER; t++)
			if (strcmp(o->thp, pfx_advise_thp_name(t)) == 0) {
				host->thp = t;
				return 0;
			}
		pfx_err("advise: --thp '%s' is unknown; use always, madvise, never or unknown", o->thp);
		return PFX_EXIT_USAGE;
	}
	if (pfx_read_file(THP_ENABLED, buf, sizeof(buf)) > 0)
		pfx_advise_thp_parse(buf, &host->thp);
	if (pfx_read_file(THP_DEFRAG, buf, sizeof(buf)) > 0)
		pfx_advise_sysfs_mode(buf, host->defrag, sizeof(host->defrag));
	return 0;
}

/* -- CMD: 'pfx record -o TMP [record options] -- CMD' into path. */
static int record_first(const struct advise_opts *o, char *path, size_t size)
{
	const char *dir = getenv("TMPDIR");
	int fd, n = 0, rc;

	snprintf(path, size, "%s/pfx-advise.XXXXXX", dir && dir[0] ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		pfx_err("advise: cannot create a temporary recording in %s: %s; set TMPDIR to a writable "
			"directory", dir && dir[0] ? dir : "/tmp", strerror(errno));
		return PFX_EXIT_ERROR;
	}
	close(fd);
	char **argv = calloc((size_t)(o->nrecord_args + o->cmd_argc + 5), sizeof(char *));

	if (!argv) {
		unlink(path);
		pfx_err("advise: out of memory");
		return PFX_EXIT_ERROR;
	}
	argv[n++] = "record";
	argv[n++] = "-o";
	argv[n++] = path;
	for (int i = 0; i < o->nrecord_args; i++)
		argv[n++] = o->record_args[i];
	argv[n++] = "--";
	for (int i = 0; i < o->cmd_argc; i++)
		argv[n++] = o->cmd[i];
	rc = cmd_record(n, argv);
	free(argv);
	/* the command's own failure still leaves a recording to advise on;
	 * record's (a refused option, no fault source) does not */
	struct stat st;

	if (stat(path, &st) < 0 || st.st_size == 0) {
		unlink(path);
		return rc ? rc : PFX_EXIT_ERROR;
	}
	return 0;
}

static void open_error(const char *path, int err)
{
	if (err == -ENOENT)
		pfx_err("advise: cannot open '%s': no such file; record one with 'pfx record -o %s -- CMD' "
			"or run 'pfx advise -- CMD'", path, path);
	else if (err == -EPROTO)
		pfx_err("advise: '%s' is not a pfx record file; give one written by 'pfx record'", path);
	else if (err == -EPROTONOSUPPORT)
		pfx_err("advise: '%s' was written by a newer pfx (format version unknown here); upgrade pfx", path);
	else if (err == -ENODATA || err == -EBADMSG)
		pfx_err("advise: '%s': %s (header unreadable); record it again", path, pfx_rec_strerror(err));
	else
		pfx_err("advise: cannot open '%s': %s", path, strerror(-err));
}

static double share_of(uint64_t ns, uint64_t duration)
{
	return duration ? 100.0 * (double)ns / (double)duration : 0;
}

static const char *kind_name(const struct pfx_region_row *row)
{
	return row->region ? pfx_map_kind_name(row->region->kind) : "unknown";
}

static void print_text(FILE *fp, const struct pfx_analysis *rep, const struct pfx_advise_host *host,
		       const struct pfx_advise_result *res, const char *file)
{
	const struct pfx_analysis_counts *a = &rep->all;
	double secs = (double)rep->duration_ns / 1e9;

	fprintf(fp, "pfx advise: ");
	pfx_safetext_fputs(fp, file);
	fprintf(fp, " (");
	pfx_safetext_fputs(fp, rep->header.command);
	fprintf(fp, "): %" PRIu64 " faults (%" PRIu64 " minor, %" PRIu64 " major) in %.3f s, %.1f ms "
		"in faults (%.1f%% of the wall time)\n", a->faults, a->minor, a->major, secs,
		(double)a->latency_sum_ns / 1e6, share_of(a->latency_sum_ns, rep->duration_ns));
	fprintf(fp, "THP: %s (%s)\n", pfx_advise_thp_name(host->thp),
		host->thp_now ? "this host's, read now: the recording does not hold it" : "from the recording");
	if (!res->n) {
		fprintf(fp, "\nnothing to do: no region reaches a rule's threshold (%" PRIu64
			" faults on %" PRIu64 " pages, %" PRIu64 " refaults; see doc/advise.md)\n",
			a->faults, rep->distinct_pages, rep->refaults);
		return;
	}
	for (size_t i = 0; i < res->n; i++) {
		const struct pfx_advise_finding *f = &res->findings[i];

		fprintf(fp, "\n%zu. %s: %s [%s: %s]\n   saw:    ", i + 1, f->rule->name, f->rule->about,
			pfx_advise_sure_name(f->sure), f->why);
		pfx_safetext_fputs(fp, f->saw);
		fprintf(fp, "\n   cost:   %" PRIu64 " faults, %.1f ms in faults, %.1f%% of the %.3f s run\n",
			f->faults, (double)f->latency_ns / 1e6, share_of(f->latency_ns, rep->duration_ns), secs);
		fprintf(fp, "   remedy: ");
		pfx_safetext_fputs(fp, f->remedy);
		fputc('\n', fp);
		if (f->cgroup) {
			char max[64];

			fprintf(fp, "   cgroup: ");
			pfx_safetext_fputs(fp, f->cgroup);
			fprintf(fp, ", memory limit %s (read now)\n",
				memory_max(f->cgroup, max, sizeof(max))[0] ? max : "unreadable");
			if (f->wss_bytes)
				fprintf(fp, "   wss:    %.1f MiB touched in the recording\n",
					(double)f->wss_bytes / (1 << 20));
		}
		if (f->try_name)
			fprintf(fp, "   try:    pfx try --remedy %s -- CMD\n", f->try_name);
	}
}

static void print_json(FILE *fp, const struct pfx_analysis *rep, const struct pfx_advise_host *host,
		       const struct pfx_advise_result *res, const char *file)
{
	const struct pfx_analysis_counts *a = &rep->all;

	fprintf(fp, "{\n  \"file\": ");
	pfx_json_string(fp, file);
	fprintf(fp, ",\n  \"command\": ");
	pfx_json_string(fp, rep->header.command);
	fprintf(fp, ",\n  \"duration_ns\": %" PRIu64 ", \"faults\": %" PRIu64 ", \"minor\": %" PRIu64
		", \"major\": %" PRIu64 ", \"pages\": %" PRIu64 ", \"refaults\": %" PRIu64
		", \"latency_sum_ns\": %" PRIu64 ",\n  \"thp\": \"%s\", \"thp_from\": \"%s\",\n"
		"  \"nothing_to_do\": %s,\n  \"findings\": [",
		rep->duration_ns, a->faults, a->minor, a->major, rep->distinct_pages, rep->refaults,
		a->latency_sum_ns, pfx_advise_thp_name(host->thp), host->thp_now ? "host" : "recording",
		res->n ? "false" : "true");
	for (size_t i = 0; i < res->n; i++) {
		const struct pfx_advise_finding *f = &res->findings[i];
		const struct pfx_region_row *row = f->row;
		const struct pfx_region_stats *s = row->s;

		fprintf(fp, "%s\n    {\"rule\": \"%s\", \"about\": ", i ? "," : "", f->rule->name);
		pfx_json_string(fp, f->rule->about);
		fprintf(fp, ",\n     \"region\": {\"start\": \"0x%" PRIx64 "\", \"end\": \"0x%" PRIx64
			"\", \"kind\": \"%s\", \"path\": ", row->start, row->end, kind_name(row));
		pfx_json_string(fp, row->region ? row->region->path : "");
		fprintf(fp, ", \"pid\": %u, \"faults\": %" PRIu64 ", \"minor\": %" PRIu64 ", \"major\": %" PRIu64
			", \"write\": %" PRIu64 ", \"exec\": %" PRIu64 ", \"protection\": %" PRIu64
			", \"pages\": %" PRIu64 ", \"refaults\": %" PRIu64 ", \"pattern\": \"%s\"},\n",
			row->region ? row->region->pid : row->pid, s->c.faults, s->c.minor, s->c.major,
			s->c.write, s->c.exec, s->c.prot, s->pages, s->refaults, pfx_pattern_name(row->pattern));
		fprintf(fp, "     \"regions\": %zu,\n", f->nregions);
		fprintf(fp, "     \"cost\": {\"faults\": %" PRIu64 ", \"latency_sum_ns\": %" PRIu64
			", \"wall_share_pct\": %.2f},\n     \"saw\": ", f->faults, f->latency_ns,
			share_of(f->latency_ns, rep->duration_ns));
		pfx_json_string(fp, f->saw);
		fprintf(fp, ",\n     \"remedy\": ");
		pfx_json_string(fp, f->remedy);
		fprintf(fp, ",\n     \"try\": ");
		if (f->try_name)
			pfx_json_string(fp, f->try_name);
		else
			fprintf(fp, "null");
		if (f->cgroup) {
			char max[64];

			fprintf(fp, ",\n     \"cgroup\": ");
			pfx_json_string(fp, f->cgroup);
			fprintf(fp, ", \"memory_max\": ");
			pfx_json_string(fp, memory_max(f->cgroup, max, sizeof(max)));
		}
		if (f->wss_bytes)
			fprintf(fp, ", \"working_set_bytes\": %" PRIu64, f->wss_bytes);
		fprintf(fp, ", \"sure\": \"%s\", \"why\": ", pfx_advise_sure_name(f->sure));
		pfx_json_string(fp, f->why);
		fprintf(fp, "}");
	}
	fprintf(fp, "%s]\n}\n", res->n ? "\n  " : "");
}

static int advise_file(const struct advise_opts *o, const char *path, const char *shown)
{
	struct pfx_advise_host host;
	struct pfx_advise_result res;
	struct pfx_rec_reader *r;
	struct pfx_analysis *rep;
	char cgroup[PFX_CGROUP_NAME_MAX];
	int err = host_state(o, &host, cgroup, sizeof(cgroup));

	if (err)
		return err;
	err = pfx_rec_reader_open(&r, path);
	if (err < 0) {
		open_error(shown, err);
		return PFX_EXIT_ERROR;
	}
	/* code named: a refault finding names its call site */
	err = pfx_analysis_run(r, &(struct pfx_analysis_opts){ .code_names = true }, &rep);
	pfx_rec_reader_close(r);
	if (err < 0) {
		pfx_err("advise: reading '%s' failed: %s", shown, strerror(-err));
		return PFX_EXIT_ERROR;
	}
	if (!rep->complete)
		pfx_warn("advise: '%s': %s at byte %llu; advising on the %llu faults before it", shown,
			 pfx_rec_strerror(rep->read_error), (unsigned long long)rep->error_offset,
			 (unsigned long long)rep->faults_read);
	err = pfx_advise_run(rep, &host, &res);
	if (err < 0) {
		pfx_analysis_free(rep);
		pfx_err("advise: %s", strerror(-err));
		return PFX_EXIT_ERROR;
	}
	if (o->format == PFX_FORMAT_JSON)
		print_json(stdout, rep, &host, &res, shown);
	else
		print_text(stdout, rep, &host, &res, shown);
	pfx_advise_free(&res);
	pfx_analysis_free(rep);
	if (fflush(stdout) != 0) {
		pfx_err("advise: writing the advice failed: %s", strerror(errno));
		return PFX_EXIT_ERROR;
	}
	return PFX_EXIT_OK;
}

int cmd_advise(int argc, char **argv)
{
	struct advise_opts o;
	char **own = NULL, tmp[4096];
	int err = parse_args(argc, argv, &o, &own);

	if (err) {
		free(own);
		free(o.record_args);
		return err < 0 ? PFX_EXIT_OK : err;
	}
	if (o.cmd) {
		err = record_first(&o, tmp, sizeof(tmp));
		if (!err) {
			err = advise_file(&o, tmp, "the recording of the command");
			unlink(tmp);
		}
	} else {
		err = advise_file(&o, o.input, o.input);
	}
	free(own);
	free(o.record_args);
	return err;
}
