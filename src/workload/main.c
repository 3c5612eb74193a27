/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pfx-load - the fault workload bundled with pfx.
 *
 * Tests, benchmarks and the README demo need a process whose page faults
 * are known in advance.  Each mode maps a region, faults it in a specific
 * way and prints one key=value line that puts the number of faults the
 * touch phase makes by construction (expect_minor, expect_major) next to
 * what getrusage(2) saw (rusage_minor, rusage_major), so a caller can check
 * pfx's figures against both.
 */
#include "config.h"
#include "workload.h"

/* argv joined by spaces (cut to fit). */
static const char *join_command(char *buf, size_t size, int argc, char **argv)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < argc && used + 1 < size; i++) {
		int n = snprintf(buf + used, size - used, "%s%s", i ? " " : "", argv[i]);

		if (n < 0)
			break;
		used += (size_t)n < size - used ? (size_t)n : size - used - 1;
	}
	return buf;
}

int main(int argc, char **argv)
{
	struct options opts = {
		.size = 64 * KIB * KIB,
		.threads = 1,
		.seconds = 5,
		.rate = 10000,
		.rounds = 4,
		.stride = 4,
		.seed = 1,
		.dir = "/var/tmp",
	};
	struct region region = { .fd = -1 };
	char command[512];
	struct report report = { .threads = 1 };
	long page_size;
	int status;

	/* before getopt permutes argv */
	opts.command = join_command(command, sizeof(command), argc, argv);
	status = pfx_load_parse_options(argc, argv, &opts);
	if (opts.uffd && !opts.uffd_out)
		opts.uffd_out = "pfx.data";
	if (status == PARSE_HELP)
		return fflush(stdout) ? EXIT_FAILURE : 0;
	if (status)
		return status;
	page_size = sysconf(_SC_PAGESIZE);
	if (page_size <= 0)
		return pfx_load_fail("sysconf(_SC_PAGESIZE)");
	region.page_size = (size_t)page_size;
	if (opts.wait_start && (status = pfx_load_block_start_signal()))
		return status;
	if (opts.uffd && (status = pfx_load_catch_stop_signals()))
		return status;
	status = pfx_load_run_mode(&opts, &region, &report);
	if (opts.uffd)
		status = pfx_load_end_uffd(&opts, &region, &report, status);
	if (status == 0 && opts.lock)
		status = pfx_load_lock_region(&region);
	if (status == 0) {
		pfx_load_print_report(&opts, &region, &report);
		if (opts.pause_end_ms)
			status = pfx_load_sleep_ms(opts.pause_end_ms);
	}
	pfx_load_release_region(&region);
	return status;
}
