/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd_report: 'pfx report' - explain a record file: regions, patterns,
 * threads, pages, ips, latency.  Options here; aggregation in report.c,
 * printing in report_output.c. */
#include "config.h"
#include "cmd.h"
#include "opts.h"
#include "output.h"
#include "recfile.h"
#include "analysis.h"
#include "report_export.h"
#include "report_output.h"
#include "safetext.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

struct report_opts {
	const char *input;
	enum pfx_format format;
	enum pfx_report_view view;
	unsigned top;
	bool dump;
	enum pfx_export export;		/* --format folded|pprof|perfetto */
	enum pfx_export_weight weight;	/* --weight */
	const char *output;		/* -o */
	struct pfx_analysis_filter filter;	/* --pid, --tid, --region */
};

static const struct pfx_opt report_options[] = {
	PFX_OPT('i', "input", "FILE", "record file (default pfx.data)"),
	PFX_OPT('F', "format", "FMT", "text (default) or json (every view in one document);\n"
		"folded (FlameGraph stacks), pprof (gzip'd profile.proto,\n"
		"needs -o), perfetto (Chrome Trace Event JSON)"),
	PFX_OPT_LONG('W', "weight", "W", "folded: count faults (default) or latency (ns)"),
	PFX_OPT('o', "output", "FILE", "write there (complete when done) instead of stdout"),
	PFX_OPT('n', "top", "N", "rows per view (default 20)"),
	PFX_OPT_LONG('P', "pid", "PID", "only the faults of process PID"),
	PFX_OPT_LONG('T', "tid", "TID", "only the faults of thread TID"),
	PFX_OPT_LONG('R', "region", "R", "only the faults in regions whose path holds R, or of\n"
		     "kind R (anon, heap, stack, file, shm, unknown...)"),
	PFX_OPT('b', "by", "VIEW", "text view: region (default, with fault types, latency,\n"
		"threads and heat map), thread, process, cgroup (of\n"
		"'pfx record -a/-G'), page, ip, function or caller\n"
		"(call chains of 'pfx record --call-graph')"),
	PFX_OPT('D', "dump", NULL, "print every item of the file, one per line (like perf script)"),
	PFX_OPT('h', "help", NULL, "this help"),
	PFX_OPT_END,
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: pfx report [-i FILE] [--format text|json] [--top N] [--pid PID] [--tid TID]\n"
		"                  [--region R]\n"
		"                  [--by region|thread|process|cgroup|page|ip|function|caller]\n"
		"       pfx report [-i FILE] --format folded|pprof|perfetto [--weight faults|latency]\n"
		"                  [-o FILE]\n"
		"Explain a recording made by 'pfx record'.\n");
	pfx_opts_help(fp, report_options, 23);
	fprintf(fp, "See pfx-report(1) and doc/report.md.\n");
}

static int parse_args(int argc, char **argv, struct report_opts *o)
{
	struct pfx_opts p;
	int c, n;

	memset(o, 0, sizeof(*o));
	o->input = "pfx.data";
	pfx_opts_begin(&p, "report", report_options, "", argc, argv);
	while ((c = pfx_opts_next(&p)) != -1) {
		const char *arg = p.value;

		switch (c) {
		case 'i':
			o->input = arg;
			break;
		case 'F':
			if (pfx_export_parse(arg, &o->export) == 0)
				break;
			o->export = PFX_EXPORT_NONE;
			if (pfx_format_parse(arg, &o->format) < 0 || o->format == PFX_FORMAT_CSV) {
				pfx_err("report: --format '%s' is unknown; use text, json, folded, pprof or perfetto",
					arg);
				return PFX_EXIT_USAGE;
			}
			break;
		case 'W':
			if (strcmp(arg, "faults") == 0) {
				o->weight = PFX_WEIGHT_FAULTS;
			} else if (strcmp(arg, "latency") == 0) {
				o->weight = PFX_WEIGHT_LATENCY;
			} else {
				pfx_err("report: --weight '%s' is unknown; use faults or latency", arg);
				return PFX_EXIT_USAGE;
			}
			break;
		case 'o':
			o->output = arg;
			break;
		case 'n':
			if (pfx_parse_int(arg, 1, 1000000, &n) < 0) {
				pfx_err("report: --top '%s' is not a number from 1 to 1000000", arg);
				return PFX_EXIT_USAGE;
			}
			o->top = (unsigned)n;
			break;
		case 'b':
			if (pfx_report_view_parse(arg, &o->view) < 0) {
				pfx_err("report: --by '%s' is unknown; use region, thread, process, cgroup, page, ip, "
					"function or caller", arg);
				return PFX_EXIT_USAGE;
			}
			break;
		case 'D':
			o->dump = true;
			break;
		case 'P':
		case 'T':
			if (pfx_parse_int(arg, 1, INT32_MAX, &n) < 0) {
				pfx_err("report: --%s '%s' is not a process or thread id; give a number "
					"from --by thread", c == 'P' ? "pid" : "tid", arg);
				return PFX_EXIT_USAGE;
			}
			if (c == 'P')
				o->filter.has_pid = true, o->filter.pid = (uint32_t)n;
			else
				o->filter.has_tid = true, o->filter.tid = (uint32_t)n;
			break;
		case 'R':
			if (!arg[0]) {
				pfx_err("report: --region needs a name; give part of a path or a kind (anon, heap, ...)");
				return PFX_EXIT_USAGE;
			}
			o->filter.region = arg;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:	/* ':' (missing value) or '?' */
			pfx_opts_refused(&p, c);
			return PFX_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		pfx_err("report: unexpected argument '%s'; give the file with -i", argv[optind]);
		return PFX_EXIT_USAGE;
	}
	if (o->export == PFX_EXPORT_PPROF && !o->output) {
		pfx_err("report: --format pprof writes a binary file; give one with -o, e.g. -o faults.pb.gz");
		return PFX_EXIT_USAGE;
	}
	if (o->export != PFX_EXPORT_NONE && o->dump) {
		pfx_err("report: --dump and --format %s do not go together; drop one",
			o->export == PFX_EXPORT_FOLDED ? "folded" : o->export == PFX_EXPORT_PPROF ? "pprof" : "perfetto");
		return PFX_EXIT_USAGE;
	}
	return 0;
}

/* The rest of a --dump line: a name from the file, made safe (one line,
 * nothing a terminal obeys). */
static void safe_line(const char *s)
{
	pfx_safetext_fputs(stdout, s);
	putchar('\n');
}

/* --dump: every item as one line, in file order. */
static int dump_item(void *ctx, const struct pfx_rec_item *it)
{
	static const char *const kinds[] = { "?", "minor", "major" };

	(void)ctx;
	switch (it->type) {
	case PFX_REC_FAULT: {
		const struct pfx_fault *f = &it->fault;

		printf("%llu.%09llu fault %u/%u %s addr=0x%llx ip=0x%llx access=%s%s%s%s latency=%u",
		       (unsigned long long)(f->time_ns / 1000000000), (unsigned long long)(f->time_ns % 1000000000),
		       f->pid, f->tid, kinds[f->kind < 3 ? f->kind : 0], (unsigned long long)f->addr,
		       (unsigned long long)f->ip, f->access & PFX_ACCESS_KNOWN ? "" : "?",
		       f->access & PFX_ACCESS_WRITE ? "w" : f->access & PFX_ACCESS_KNOWN ? "r" : "",
		       f->access & PFX_ACCESS_EXEC ? "x" : "", f->access & PFX_ACCESS_PROT ? "p" : "",
		       f->latency_ns);
		for (unsigned i = 0; i < f->callchain_len; i++)
			printf("%s0x%llx", i ? "," : " chain=", (unsigned long long)f->callchain[i]);
		putchar('\n');
		break;
	}
	case PFX_REC_MAPPING:
		printf("%llu.%09llu mmap %u 0x%llx-0x%llx pgoff=0x%llx prot=%u flags=0x%x ",
		       (unsigned long long)(it->mapping.time_ns / 1000000000),
		       (unsigned long long)(it->mapping.time_ns % 1000000000), it->mapping.pid,
		       (unsigned long long)it->mapping.start, (unsigned long long)it->mapping.end,
		       (unsigned long long)it->mapping.pgoff, it->mapping.prot, it->mapping.flags);
		safe_line(it->mapping.path);
		break;
	case PFX_REC_THREAD:
		printf("%llu.%09llu thread %u/%u ", (unsigned long long)(it->thread.time_ns / 1000000000),
		       (unsigned long long)(it->thread.time_ns % 1000000000), it->thread.pid,
		       it->thread.tid);
		safe_line(it->thread.comm);
		break;
	case PFX_REC_SPACE:
		printf("%llu.%09llu space %u\n", (unsigned long long)(it->space.time_ns / 1000000000),
		       (unsigned long long)(it->space.time_ns % 1000000000), it->space.pid);
		break;
	case PFX_REC_CGROUP:
		printf("%llu.%09llu cgroup %u ", (unsigned long long)(it->cgroup.time_ns / 1000000000),
		       (unsigned long long)(it->cgroup.time_ns % 1000000000), it->cgroup.pid);
		safe_line(it->cgroup.path);
		break;
	case PFX_REC_LOST:
		printf("%llu.%09llu lost records=%llu samples=%llu\n",
		       (unsigned long long)(it->lost.time_ns / 1000000000),
		       (unsigned long long)(it->lost.time_ns % 1000000000),
		       (unsigned long long)it->lost.records, (unsigned long long)it->lost.samples);
		break;
	}
	return 0;
}

static int dump(struct pfx_rec_reader *r, const char *path)
{
	struct pfx_rec_end end;
	int err = pfx_rec_foreach(r, dump_item, NULL, &end);

	if (err) {
		pfx_err("report: reading '%s' failed: %s", path, strerror(-err));
		return PFX_EXIT_ERROR;
	}
	if (end.error)
		pfx_warn("report: '%s': %s at byte %llu", path, pfx_rec_strerror(end.error),
			 (unsigned long long)end.offset);
	return PFX_EXIT_OK;
}

/* --format folded|pprof|perfetto into -o FILE or stdout: each formats
 * the one analysis (perfetto's is a lean pass that hands it the items). */
static int export(const struct report_opts *o, struct pfx_rec_reader *r)
{
	struct pfx_analysis *rep = NULL;
	struct pfx_outfile out;
	int err = 0;

#ifndef PFX_WITH_ZLIB
	if (o->export == PFX_EXPORT_PPROF)
		return pfx_feature_missing("report", "--format pprof", "zlib", "zlib1g-dev",
					   "use --format folded or perfetto");
#endif
	if (o->export != PFX_EXPORT_PERFETTO) {
		err = pfx_analysis_run(r, &(struct pfx_analysis_opts){
			.filter = o->filter.has_pid || o->filter.has_tid || o->filter.region ? &o->filter : NULL,
			.code_names = true, .every_chain = true }, &rep);
		if (err < 0) {
			pfx_err("report: reading '%s' failed: %s", o->input, strerror(-err));
			return PFX_EXIT_ERROR;
		}
		if (!rep->complete)
			pfx_warn("report: '%s': %s at byte %llu; exporting the %llu faults before it", o->input,
				 pfx_rec_strerror(rep->read_error), (unsigned long long)rep->error_offset,
				 (unsigned long long)rep->faults_read);
	}
	err = pfx_outfile_open(&out, o->output);
	if (err) {
		pfx_err("report: cannot create '%s': %s", o->output, pfx_outfile_strerror(err));
		pfx_analysis_free(rep);
		return PFX_EXIT_ERROR;
	}
	if (o->export == PFX_EXPORT_FOLDED)
		err = pfx_export_folded(out.fp, rep, o->weight);
	else if (o->export == PFX_EXPORT_PPROF)
		err = pfx_export_pprof(out.fp, rep, PFX_WEIGHT_FAULTS);
	else
		err = pfx_export_perfetto(out.fp, r, &rep);
	if (err < 0 && err != -EIO) {
		pfx_err("report: exporting '%s' failed: %s", o->input, strerror(-err));
		pfx_analysis_free(rep);
		pfx_outfile_abort(&out);
		return PFX_EXIT_ERROR;
	}
	/* A damaged file: what came before the damage is written (and said). */
	if (o->export == PFX_EXPORT_PERFETTO && rep && rep->read_error)
		pfx_warn("report: '%s': %s at byte %llu; the trace holds what came before it", o->input,
			 pfx_rec_strerror(rep->read_error), (unsigned long long)rep->error_offset);
	pfx_analysis_free(rep);
	err = pfx_outfile_commit(&out);
	if (err && !(err == -EPIPE && !o->output)) {
		pfx_err("report: cannot write '%s': %s", o->output ? o->output : "standard output", strerror(-err));
		return PFX_EXIT_ERROR;
	}
	return PFX_EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
	struct report_opts o;
	struct pfx_rec_reader *r;
	struct pfx_analysis *rep;
	int err = parse_args(argc, argv, &o);

	if (err)
		return err < 0 ? PFX_EXIT_OK : err;
	err = pfx_rec_reader_open(&r, o.input);
	if (err < 0) {
		pfx_rec_open_error("report", o.input, err);
		return PFX_EXIT_ERROR;
	}
	if (o.dump) {
		err = dump(r, o.input);
		pfx_rec_reader_close(r);
		return err;
	}
	if (o.export != PFX_EXPORT_NONE) {
		err = export(&o, r);
		pfx_rec_reader_close(r);
		return err;
	}
	err = pfx_analysis_run(r, &(struct pfx_analysis_opts){
		.filter = o.filter.has_pid || o.filter.has_tid || o.filter.region ? &o.filter : NULL,
		.top = o.top,
		.code_names = o.format == PFX_FORMAT_JSON || o.view == PFX_VIEW_IP ||
			      o.view == PFX_VIEW_FUNCTION || o.view == PFX_VIEW_CALLER,
		.pages = o.format == PFX_FORMAT_JSON || o.view == PFX_VIEW_PAGE,
		.heat = o.format == PFX_FORMAT_JSON || o.view == PFX_VIEW_REGION,
	}, &rep);
	pfx_rec_reader_close(r);
	if (err < 0) {
		pfx_err("report: reading '%s' failed: %s", o.input, strerror(-err));
		return PFX_EXIT_ERROR;
	}
	if (!rep->complete)
		pfx_warn("report: '%s': %s at byte %llu; showing the %llu faults before it",
			 o.input, pfx_rec_strerror(rep->read_error),
			 (unsigned long long)rep->error_offset, (unsigned long long)rep->faults_read);
	else if (rep->faults_read != rep->totals.faults)
		pfx_warn("report: '%s' holds %llu faults but its totals say %llu",
			 o.input, (unsigned long long)rep->faults_read,
			 (unsigned long long)rep->totals.faults);
	pfx_report_print(stdout, rep, o.input, o.format, o.view, o.top);
	pfx_analysis_free(rep);
	if (fflush(stdout) != 0) {
		pfx_err("report: writing the report failed: %s", strerror(errno));
		return PFX_EXIT_ERROR;
	}
	return PFX_EXIT_OK;
}
