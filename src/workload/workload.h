/* SPDX-License-Identifier: GPL-2.0-or-later */
/* workload: what the parts of pfx-load share: the options, the region a
 * mode faults, the result line, and the helpers each part offers.
 *
 *   main.c     the order of a run: options, the mode, the result line
 *   options.c  the command line (--help, the options and their checks)
 *   modes.c    the modes: map a region and fault it in a known way; --uffd
 *   report.c   messages, time, the fault meter and the result line
 */
#ifndef PFX_WORKLOAD_H
#define PFX_WORKLOAD_H

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pfx/uffd_recorder.h>


enum { EXIT_USAGE = 2, EXIT_SKIP = 77 };

/* -1 from parse_options: help was printed, exit 0. */
enum { PARSE_HELP = -1 };

#define MAX_THREADS 1024UL
#define MAX_RATE 1000000000UL
#define MAX_SECONDS 1e6
#define KIB 1024ULL

#define MODE_LIST "seq, random, stride, repeat, file, swap, cow, thp, steady, hotcold, zero"

enum mode {
	MODE_SEQ,
	MODE_RANDOM,
	MODE_STRIDE,
	MODE_REPEAT,
	MODE_FILE,
	MODE_SWAP,
	MODE_COW,
	MODE_THP,
	MODE_STEADY,
	MODE_HOTCOLD,
	MODE_ZERO,
};

struct options {
	enum mode mode;
	const char *mode_name;
	size_t size;
	unsigned long threads;
	double seconds;
	unsigned long rate;
	unsigned long rounds;
	unsigned long stride;
	size_t hot;		/* 0 until given: the default depends on size */
	uint64_t seed;
	const char *dir;
	bool wait_start;
	unsigned long pause_end_ms;
	bool lock;
	bool read_hot;		/* hotcold: the hot loop only reads */
	bool thp;		/* hotcold: a huge-page aligned MADV_HUGEPAGE region */
	bool uffd;			/* --uffd: a userfaultfd recorder serves the region */
	enum pfx_uffd_policy uffd_policy;
	const char *uffd_out;		/* its record file */
	const char *pass_log;		/* hotcold: each hot pass's times, or NULL */
	const char *command;		/* our command line, for the file's header */
};

/* The faulted range can sit inside a larger mapping (thp aligns it). */
struct region {
	char *base;
	size_t len;
	size_t page_size;
	size_t pages;
	void *map;
	size_t map_len;
	int fd;
};

struct report {
	unsigned long threads;
	uint64_t expect_minor;
	uint64_t expect_major;
	long rusage_minor;
	long rusage_major;
	double seconds;
	char extra[512];
	size_t extra_len;
};

struct meter {
	struct rusage usage;
	struct timespec started;
};

/* What a cow child sends back: its own faults, not the parent's. */
struct child_result {
	long rusage_minor;
	long rusage_major;
	double seconds;
};

struct touch_plan {
	volatile char *base;
	size_t page_size;
	const size_t *order;	/* page of step k; NULL means k * stride */
	size_t stride;
	size_t first;
	size_t count;
	pid_t tid;		/* of the thread that touched this slice */
};

struct crew {
	unsigned long size;
	pthread_t *ids;
	struct touch_plan *plans;
};

/* report.c: messages (each returns the exit status to return) */
int pfx_load_fail_with(const char *call, int err);
int pfx_load_fail(const char *call);
int pfx_load_fail_on(const char *call, const char *object);
__attribute__((format(printf, 2, 3)))
int pfx_load_complain(int status, const char *fmt, ...);
/* report.c: time */
struct timespec pfx_load_monotonic_now(void);
double pfx_load_seconds_between(struct timespec from, struct timespec to);
struct timespec pfx_load_timespec_after(struct timespec ts, uint64_t sec, uint64_t nsec);
bool pfx_load_timespec_reached(struct timespec now, struct timespec deadline);
int pfx_load_sleep_until(struct timespec deadline);
int pfx_load_sleep_ms(unsigned long ms);
/* report.c: the fault meter and the result line */
void pfx_load_meter_start(struct meter *meter);
void pfx_load_meter_stop(const struct meter *meter, struct report *report);
__attribute__((format(printf, 2, 3)))
void pfx_load_report_add(struct report *report, const char *fmt, ...);
void pfx_load_print_report(const struct options *opts, const struct region *region,
		  const struct report *report);
int pfx_load_block_start_signal(void);
int pfx_load_wait_for_start(const struct options *opts);

/* options.c: 0, PARSE_HELP (help printed) or the exit status of a usage error */
int pfx_load_parse_options(int argc, char **argv, struct options *opts);

/* modes.c */
int pfx_load_run_mode(const struct options *opts, struct region *region, struct report *report);
int pfx_load_catch_stop_signals(void);
int pfx_load_end_uffd(const struct options *opts, const struct region *region,
	     struct report *report, int status);
int pfx_load_lock_region(const struct region *region);
void pfx_load_release_region(struct region *region);

#endif
