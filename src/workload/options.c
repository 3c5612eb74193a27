/* SPDX-License-Identifier: GPL-2.0-or-later */
/* options: pfx-load's command line: --help, the options, their checks. */
#include "config.h"
#include "workload.h"
#include "util.h"

static void print_help(void)
{
	fputs("usage: pfx-load MODE [OPTIONS]\n"
	      "Make page faults of a known kind and number, then print one\n"
	      "'pfx-load: key=value ...' line comparing expected and measured faults.\n"
	      "\n"
	      "Modes:\n"
	      "  seq      write one byte per page, ascending (minor = pages)\n"
	      "  random   same, pages in a seeded random order (minor = pages)\n"
	      "  stride   every Nth page (minor = ceil(pages / N))\n"
	      "  repeat   touch, then MADV_DONTNEED and touch again R times\n"
	      "           (minor = pages * (R + 1))\n"
	      "  file     read one byte per page of an uncached file (major = pages)\n"
	      "  swap     page the region out, then touch it (major = swapped pages)\n"
	      "  cow      fork; the child writes every page (minor = pages, in child)\n"
	      "  thp      one write per transparent huge page (minor = huge pages)\n"
	      "  steady   fault at a fixed rate for a while (minor = rate * seconds)\n"
	      "  hotcold  touch everything, then keep only the hot part busy\n"
	      "  zero     read one byte per page: all map the shared zero page\n"
	      "           (minor = pages, nothing becomes resident)\n"
	      "\n"
	      "Options:\n"
	      "  -s, --size SIZE      region size, K/M/G suffixes allowed (default 64M)\n"
	      "  -t, --threads N      seq/random/stride: split pages over N threads (1)\n"
	      "      --seconds S      steady/hotcold duration (5)\n"
	      "      --rate N         steady faults per second (10000)\n"
	      "      --rounds R       repeat refault rounds (4)\n"
	      "      --stride N       stride in pages (4)\n"
	      "      --hot SIZE       hotcold hot part (SIZE/4)\n"
	      "      --read-hot       hotcold: the hot loop reads its pages (default:\n"
	      "                       read and write)\n"
	      "      --pass-log FILE  hotcold: write each hot pass's start and end\n"
	      "                       (CLOCK_MONOTONIC ns) to FILE, one pass a line\n"
	      "      --thp            hotcold: a huge-page aligned region with\n"
	      "                       MADV_HUGEPAGE (exit 77 without THP)\n"
	      "      --seed N         random order seed (1)\n"
	      "      --dir DIR        file mode temp file directory (/var/tmp)\n"
	      "      --wait-start     print 'pfx-load: ready pid=PID', wait for SIGUSR1\n"
	      "      --pause-end MS   sleep MS after the fault phase before exiting\n"
	      "      --lock           mlock the region after the fault phase (exit 77\n"
	      "                       if mlock is refused, e.g. by RLIMIT_MEMLOCK)\n"
	      "      --uffd POLICY    seq/random/stride/repeat/steady: a userfaultfd\n"
	      "                       recorder serves every page fault of the region:\n"
	      "                       zero, copy (from a snapshot) or file (lazy load\n"
	      "                       from a temp file); contents verified after\n"
	      "      --uffd-out FILE  its record file, for pfx report (pfx.data)\n"
	      "  -h, --help           show this help\n"
	      "\n"
	      "Exit status: 0 ok, 1 system call failed, 2 bad usage, 77 mode\n"
	      "unsupported here (no swap, no THP, mlock refused).  See pfx-load(1).\n",
	      stdout);
}

/* ---- option parsing ---------------------------------------------------- */

static const char *const mode_names[] = {
	[MODE_SEQ] = "seq",
	[MODE_RANDOM] = "random",
	[MODE_STRIDE] = "stride",
	[MODE_REPEAT] = "repeat",
	[MODE_FILE] = "file",
	[MODE_SWAP] = "swap",
	[MODE_COW] = "cow",
	[MODE_THP] = "thp",
	[MODE_STEADY] = "steady",
	[MODE_HOTCOLD] = "hotcold",
	[MODE_ZERO] = "zero",
};

static bool lookup_mode(const char *name, enum mode *mode)
{
	for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++) {
		if (strcmp(name, mode_names[i]) == 0) {
			*mode = (enum mode)i;
			return true;
		}
	}
	return false;
}

/* The strict parsers of src/base (util.h), with pfx-load's ranges. */
static bool parse_whole(const char *text, unsigned long long min,
			unsigned long long max, unsigned long long *value)
{
	uint64_t v;

	if (pfx_parse_u64(text, &v) || v < min || v > max)
		return false;
	*value = v;
	return true;
}

/* Half of SIZE_MAX keeps every later round-up free of overflow. */
static bool parse_size(const char *text, size_t *size)
{
	uint64_t v;

	if (pfx_parse_size(text, &v) || v == 0 || v > SIZE_MAX / 2)
		return false;
	*size = (size_t)v;
	return true;
}

static bool parse_seconds(const char *text, double *seconds)
{
	return pfx_parse_seconds(text, seconds) == 0 && *seconds > 0 && *seconds <= MAX_SECONDS;
}

enum {
	OPT_SECONDS = 256,
	OPT_RATE,
	OPT_ROUNDS,
	OPT_STRIDE,
	OPT_HOT,
	OPT_SEED,
	OPT_DIR,
	OPT_WAIT_START,
	OPT_PAUSE_END,
	OPT_LOCK,
	OPT_READ_HOT,
	OPT_THP,
	OPT_UFFD,
	OPT_UFFD_OUT,
	OPT_PASS_LOG,
};

static const struct option long_options[] = {
	{ "size", required_argument, NULL, 's' },
	{ "threads", required_argument, NULL, 't' },
	{ "seconds", required_argument, NULL, OPT_SECONDS },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "rounds", required_argument, NULL, OPT_ROUNDS },
	{ "stride", required_argument, NULL, OPT_STRIDE },
	{ "hot", required_argument, NULL, OPT_HOT },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "dir", required_argument, NULL, OPT_DIR },
	{ "wait-start", no_argument, NULL, OPT_WAIT_START },
	{ "pause-end", required_argument, NULL, OPT_PAUSE_END },
	{ "lock", no_argument, NULL, OPT_LOCK },
	{ "read-hot", no_argument, NULL, OPT_READ_HOT },
	{ "thp", no_argument, NULL, OPT_THP },
	{ "uffd", required_argument, NULL, OPT_UFFD },
	{ "uffd-out", required_argument, NULL, OPT_UFFD_OUT },
	{ "pass-log", required_argument, NULL, OPT_PASS_LOG },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int bad_count(const char *option, const char *value, const char *range)
{
	return pfx_load_complain(EXIT_USAGE, "invalid %s value '%s'; use %s", option, value, range);
}

static int parse_uffd_policy(struct options *opts, const char *arg)
{
	static const enum pfx_uffd_policy policies[] = { PFX_UFFD_ZERO, PFX_UFFD_COPY, PFX_UFFD_FILE };

	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		if (strcmp(arg, pfx_uffd_policy_name(policies[i])) == 0) {
			opts->uffd = true;
			opts->uffd_policy = policies[i];
			return 0;
		}
	}
	return pfx_load_complain(EXIT_USAGE, "invalid --uffd policy '%s'; use zero, copy or file", arg);
}

static int parse_option(struct options *opts, int opt, const char *arg)
{
	unsigned long long value;

	switch (opt) {
	case 's':
		if (!parse_size(arg, &opts->size))
			return pfx_load_complain(EXIT_USAGE, "invalid size '%s'; use a number with optional K, M or G suffix", arg);
		return 0;
	case 't':
		if (!parse_whole(arg, 1, MAX_THREADS, &value))
			return bad_count("--threads", arg, "a whole number from 1 to 1024");
		opts->threads = (unsigned long)value;
		return 0;
	case OPT_SECONDS:
		if (!parse_seconds(arg, &opts->seconds))
			return bad_count("--seconds", arg, "a positive number of seconds, e.g. 5 or 0.5");
		return 0;
	case OPT_RATE:
		if (!parse_whole(arg, 1, MAX_RATE, &value))
			return bad_count("--rate", arg, "a whole number of faults per second from 1 to 1000000000");
		opts->rate = (unsigned long)value;
		return 0;
	case OPT_ROUNDS:
		if (!parse_whole(arg, 1, ULONG_MAX / 2, &value))
			return bad_count("--rounds", arg, "a positive whole number");
		opts->rounds = (unsigned long)value;
		return 0;
	case OPT_STRIDE:
		if (!parse_whole(arg, 1, SIZE_MAX / 2, &value))
			return bad_count("--stride", arg, "a positive whole number of pages");
		opts->stride = (unsigned long)value;
		return 0;
	case OPT_HOT:
		if (!parse_size(arg, &opts->hot))
			return pfx_load_complain(EXIT_USAGE, "invalid hot size '%s'; use a number with optional K, M or G suffix", arg);
		return 0;
	case OPT_SEED:
		if (!parse_whole(arg, 0, UINT64_MAX, &value))
			return bad_count("--seed", arg, "a whole number");
		opts->seed = value;
		return 0;
	case OPT_DIR:
		if (arg[0] == '\0')
			return pfx_load_complain(EXIT_USAGE, "empty --dir; name an existing directory");
		opts->dir = arg;
		return 0;
	case OPT_WAIT_START:
		opts->wait_start = true;
		return 0;
	case OPT_PAUSE_END:
		if (!parse_whole(arg, 0, 86400000ULL, &value))
			return bad_count("--pause-end", arg, "a whole number of milliseconds");
		opts->pause_end_ms = (unsigned long)value;
		return 0;
	case OPT_LOCK:
		opts->lock = true;
		return 0;
	case OPT_READ_HOT:
		opts->read_hot = true;
		return 0;
	case OPT_THP:
		opts->thp = true;
		return 0;
	case OPT_UFFD:
		return parse_uffd_policy(opts, arg);
	case OPT_UFFD_OUT:
		if (arg[0] == '\0')
			return pfx_load_complain(EXIT_USAGE, "empty --uffd-out; name the record file to write");
		opts->uffd_out = arg;
		return 0;
	case OPT_PASS_LOG:
		if (arg[0] == '\0')
			return pfx_load_complain(EXIT_USAGE, "empty --pass-log; name the file to write");
		opts->pass_log = arg;
		return 0;
	default:
		return pfx_load_complain(EXIT_USAGE, "internal option error; please report this");
	}
}

/* getopt's own messages don't follow the one-line "problem; fix" rule. */
static int reject_option(int opt, int optopt_seen, const char *word)
{
	char shortname[3] = { '-', (char)optopt_seen, '\0' };
	const char *name = optopt_seen ? shortname : word;

	if (opt == ':')
		return pfx_load_complain(EXIT_USAGE, "option '%s' needs a value; see pfx-load --help", name);
	return pfx_load_complain(EXIT_USAGE, "unknown option '%s'; see pfx-load --help", name);
}

/* Modes whose region is private anonymous memory faulted page by page. */
static bool uffd_mode(enum mode mode)
{
	return mode == MODE_SEQ || mode == MODE_RANDOM || mode == MODE_STRIDE ||
	       mode == MODE_REPEAT || mode == MODE_STEADY;
}

static int check_combination(struct options *opts)
{
	bool threaded = opts->mode == MODE_SEQ || opts->mode == MODE_RANDOM ||
			opts->mode == MODE_STRIDE;

	if (opts->threads > 1 && !threaded)
		return pfx_load_complain(EXIT_USAGE, "--threads applies to seq, random and stride only; drop it for mode '%s'",
				opts->mode_name);
	if (opts->uffd_out && !opts->uffd)
		return pfx_load_complain(EXIT_USAGE, "--uffd-out needs --uffd; add --uffd zero, copy or file");
	if (opts->uffd && !uffd_mode(opts->mode))
		return pfx_load_complain(EXIT_USAGE, "--uffd applies to seq, random, stride, repeat and steady (anonymous regions touched page by page); drop it for mode '%s'",
				opts->mode_name);
	if (opts->pass_log && opts->mode != MODE_HOTCOLD)
		return pfx_load_complain(EXIT_USAGE, "--pass-log applies to hotcold only; drop it for mode '%s'",
				opts->mode_name);
	if (opts->hot == 0)
		opts->hot = opts->size / 4 ? opts->size / 4 : 1;
	if (opts->hot > opts->size)
		return pfx_load_complain(EXIT_USAGE, "--hot (%zu bytes) is larger than --size (%zu bytes); use a hot size no larger than the region",
				opts->hot, opts->size);
	return 0;
}

int pfx_load_parse_options(int argc, char **argv, struct options *opts)
{
	int opt, status;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":s:t:h", long_options, NULL)) != -1) {
		if (opt == 'h') {
			print_help();
			return PARSE_HELP;
		}
		if (opt == '?' || opt == ':')
			return reject_option(opt, optopt, argv[optind - 1]);
		status = parse_option(opts, opt, optarg);
		if (status != 0)
			return status;
	}
	if (optind >= argc)
		return pfx_load_complain(EXIT_USAGE, "no mode given; use one of " MODE_LIST);
	opts->mode_name = argv[optind];
	if (!lookup_mode(opts->mode_name, &opts->mode))
		return pfx_load_complain(EXIT_USAGE, "unknown mode '%s'; use one of " MODE_LIST, opts->mode_name);
	if (optind + 1 < argc)
		return pfx_load_complain(EXIT_USAGE, "unexpected argument '%s'; give exactly one mode", argv[optind + 1]);
	return check_combination(opts);
}
