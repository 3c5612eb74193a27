/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report: messages, time, the fault meter and the result line of pfx-load. */
#include "config.h"
#include "workload.h"

/* ---- messages ---------------------------------------------------------- */

int pfx_load_fail_with(const char *call, int err)
{
	fprintf(stderr, "pfx-load: %s: %s\n", call, strerror(err));
	return EXIT_FAILURE;
}

int pfx_load_fail(const char *call)
{
	return pfx_load_fail_with(call, errno);
}

int pfx_load_fail_on(const char *call, const char *object)
{
	int err = errno;

	fprintf(stderr, "pfx-load: %s %s: %s\n", call, object, strerror(err));
	return EXIT_FAILURE;
}

__attribute__((format(printf, 2, 3)))
int pfx_load_complain(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("pfx-load: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

/* ---- time, measuring and reporting ------------------------------------- */

struct timespec pfx_load_monotonic_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts;
}

double pfx_load_seconds_between(struct timespec from, struct timespec to)
{
	return (double)(to.tv_sec - from.tv_sec) + (double)(to.tv_nsec - from.tv_nsec) / 1e9;
}

struct timespec pfx_load_timespec_after(struct timespec ts, uint64_t sec, uint64_t nsec)
{
	ts.tv_sec += (time_t)(sec + nsec / 1000000000ULL);
	ts.tv_nsec += (long)(nsec % 1000000000ULL);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

bool pfx_load_timespec_reached(struct timespec now, struct timespec deadline)
{
	return now.tv_sec > deadline.tv_sec ||
	       (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec);
}

int pfx_load_sleep_until(struct timespec deadline)
{
	int err;

	while ((err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL)) == EINTR)
		;
	return err ? pfx_load_fail_with("clock_nanosleep", err) : 0;
}

int pfx_load_sleep_ms(unsigned long ms)
{
	return pfx_load_sleep_until(pfx_load_timespec_after(pfx_load_monotonic_now(), ms / 1000, (ms % 1000) * 1000000ULL));
}

void pfx_load_meter_start(struct meter *meter)
{
	getrusage(RUSAGE_SELF, &meter->usage);
	meter->started = pfx_load_monotonic_now();
}

void pfx_load_meter_stop(const struct meter *meter, struct report *report)
{
	struct timespec stopped = pfx_load_monotonic_now();
	struct rusage usage;

	getrusage(RUSAGE_SELF, &usage);
	report->rusage_minor = usage.ru_minflt - meter->usage.ru_minflt;
	report->rusage_major = usage.ru_majflt - meter->usage.ru_majflt;
	report->seconds = pfx_load_seconds_between(meter->started, stopped);
}

__attribute__((format(printf, 2, 3)))
void pfx_load_report_add(struct report *report, const char *fmt, ...)
{
	size_t room = sizeof(report->extra) - report->extra_len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(report->extra + report->extra_len, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		report->extra_len += (size_t)n < room ? (size_t)n : room - 1;
}

void pfx_load_print_report(const struct options *opts, const struct region *region,
			 const struct report *report)
{
	printf("pfx-load: mode=%s pid=%ld addr=0x%" PRIxPTR " size=%zu page_size=%zu pages=%zu threads=%lu"
	       " expect_minor=%" PRIu64 " expect_major=%" PRIu64
	       " rusage_minor=%ld rusage_major=%ld seconds=%.4f%s\n",
	       opts->mode_name, (long)getpid(), (uintptr_t)region->base, region->len,
	       region->page_size, region->pages, report->threads,
	       report->expect_minor, report->expect_major,
	       report->rusage_minor, report->rusage_major, report->seconds, report->extra);
	fflush(stdout);
}

/* Blocked from the start so a SIGUSR1 sent early is kept, not fatal. */
int pfx_load_block_start_signal(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	return sigprocmask(SIG_BLOCK, &set, NULL) ? pfx_load_fail("sigprocmask") : 0;
}

int pfx_load_wait_for_start(const struct options *opts)
{
	sigset_t set;

	if (!opts->wait_start)
		return 0;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	printf("pfx-load: ready pid=%ld\n", (long)getpid());
	fflush(stdout);
	while (sigwaitinfo(&set, NULL) < 0) {
		if (errno != EINTR)
			return pfx_load_fail("sigwaitinfo");
	}
	return 0;
}
