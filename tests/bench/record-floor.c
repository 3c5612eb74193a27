/* SPDX-License-Identifier: GPL-2.0-or-later */
/* record-floor: what the kernel's side of pfx record's sampling costs a
 * workload, without pfx's decoding or writing (bench/record.sh, the floor
 * in doc/record.md).  Runs CMD with pfx record's events opened on it, per
 * CPU, inherited, enabled at exec (the attrs of src/source/sampler.c:
 * fault_attr, tracepoint_attr, sw_entry_attr), in one mode:
 *
 *   bare    no events
 *   count   the same events counting only (no samples)
 *   drop    sampling into rings nobody reads: once full, the kernel drops
 *           (cheaper than writing: a lower bound)
 *   tail    sampling, a reader that only moves data_tail to data_head at
 *           the same watermark wake-ups pfx uses, decoding nothing: the
 *           kernel's cost of writing every sample
 *   read    tail, but the reader first copies every record (walked by its
 *           header) out of the ring: the least any recorder that keeps
 *           the data does.  Its reading pulls the lines the kernel wrote
 *           to the reader's CPU, so the kernel's next writes there miss
 *           (in tail mode they stay in the writer's cache)
 *   write   read, and the copied bytes written to a file (FLOOR_OUT, else
 *           record-floor.out) in 64 KiB write()s: perf record's way, which
 *           keeps every byte as the kernel wrote it
 *
 * ENTRY: tp (exceptions:page_fault_user, pfx's default), sw (page-faults),
 * none.  PERIOD: the entry's sample_period (--latency-sample).
 * Prints "<mode> <entry> child_cpu_ns reader_cpu_ns bytes_copied";
 * /usr/bin/time of the whole gives both CPU times.  FLOOR_PAGES: data pages per ring (default 256,
 * 1 MiB with 4 KiB pages: pfx record's -m).  FLOOR_FAULT_TYPE, FLOOR_ENTRY_TYPE (numbers)
 * replace the completions' or the entry's sample_type, to measure what a
 * PERF_SAMPLE_* bit costs.  Root or perf_event_paranoid <= -1 for the
 * tracepoint. */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CPUS 256
#define COPY_BUF 65536

static long page;
static size_t ring_pages = 256;
static unsigned char copy_buf[COPY_BUF];
static size_t copy_len;
static int out_fd = -1;
static uint64_t copied;

/* read/write modes: the copy so far goes out (write) or is dropped (read). */
static void flush_copy(void)
{
	if (out_fd >= 0 && copy_len && write(out_fd, copy_buf, copy_len) != (ssize_t)copy_len) {
		perror("record-floor: write");
		exit(1);
	}
	copy_len = 0;
}

/* Copy every record of one ring between its tail and head out, as a
 * reader that keeps them must (a record may wrap round the end). */
static void copy_records(struct perf_event_mmap_page *m, uint64_t head)
{
	const unsigned char *data = (const unsigned char *)m + page;
	uint64_t size = (uint64_t)ring_pages * page, pos = m->data_tail;

	while (head - pos >= sizeof(struct perf_event_header)) {
		const struct perf_event_header *h = (const void *)(data + (pos & (size - 1)));
		uint64_t off = pos & (size - 1), first = size - off;
		size_t n = h->size;

		if (n < sizeof(*h) || n > head - pos)
			break;
		if (copy_len + n > COPY_BUF)
			flush_copy();
		if (n <= first) {
			memcpy(copy_buf + copy_len, data + off, n);
		} else {
			memcpy(copy_buf + copy_len, data + off, first);
			memcpy(copy_buf + copy_len + first, data, n - first);
		}
		copy_len += n;
		copied += n;
		pos += n;
	}
}

static int open_ev(struct perf_event_attr *a, pid_t pid, int cpu)
{
	return (int)syscall(SYS_perf_event_open, a, pid, cpu, -1, 0);
}

static void base(struct perf_event_attr *a, int sampling)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->sample_period = 1;
	a->sample_id_all = 1;
	a->inherit = 1;
	a->exclude_hv = 1;
	a->watermark = 1;
	a->wakeup_watermark = (uint32_t)(ring_pages * page / 2);
	a->disabled = 1;
	a->enable_on_exec = 1;
	if (!sampling) {
		a->sample_period = 0;
		a->watermark = 0;
		a->wakeup_watermark = 0;
		a->sample_id_all = 0;
	}
}

static long tp_id(void)
{
	FILE *f = fopen("/sys/kernel/tracing/events/exceptions/page_fault_user/id", "r");
	long id = -1;

	if (!f)
		f = fopen("/sys/kernel/debug/tracing/events/exceptions/page_fault_user/id", "r");
	if (f) {
		if (fscanf(f, "%ld", &id) != 1)
			id = -1;
		fclose(f);
	}
	return id;
}

int main(int argc, char **argv)
{
	int sampling, tail, copy, ncpu, go[2], rings[MAX_CPUS];
	struct perf_event_mmap_page *meta[MAX_CPUS];
	const char *mode, *entry;
	uint64_t period;
	struct rusage ru, self;
	pid_t child;
	int status;
	char c;

	if (argc < 5) {
		fprintf(stderr, "usage: record-floor bare|count|drop|tail|read|write tp|sw|none PERIOD CMD [ARGS...]\n");
		return 2;
	}
	mode = argv[1];
	entry = argv[2];
	period = strtoull(argv[3], NULL, 10);
	page = sysconf(_SC_PAGESIZE);
	if (getenv("FLOOR_PAGES"))
		ring_pages = strtoul(getenv("FLOOR_PAGES"), NULL, 10);
	if (!ring_pages || (ring_pages & (ring_pages - 1))) {
		fprintf(stderr, "record-floor: FLOOR_PAGES must be a power of two\n");
		return 2;
	}
	copy = strcmp(mode, "read") == 0 || strcmp(mode, "write") == 0;
	tail = copy || strcmp(mode, "tail") == 0;
	sampling = tail || strcmp(mode, "drop") == 0;
	if (strcmp(mode, "write") == 0) {
		const char *out = getenv("FLOOR_OUT") ? getenv("FLOOR_OUT") : "record-floor.out";

		out_fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (out_fd < 0) {
			perror(out);
			return 1;
		}
	}
	ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu > MAX_CPUS || pipe(go) < 0)
		return 1;
	child = fork();
	if (child == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(126);
		execvp(argv[4], argv + 4);
		_exit(127);
	}
	close(go[0]);
	for (int cpu = 0; cpu < ncpu && strcmp(mode, "bare") != 0; cpu++) {
		struct perf_event_attr a;
		int fd;

		base(&a, sampling);
		a.type = PERF_TYPE_SOFTWARE;
		a.config = PERF_COUNT_SW_PAGE_FAULTS_MIN;
		a.sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |
				PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR;
		a.mmap = a.mmap_data = a.mmap2 = a.comm = a.task = sampling;
		if (getenv("FLOOR_FAULT_TYPE"))
			a.sample_type = strtoull(getenv("FLOOR_FAULT_TYPE"), NULL, 0);
		rings[cpu] = fd = open_ev(&a, child, cpu);
		if (fd < 0) {
			perror("minor-faults");
			return 1;
		}
		meta[cpu] = NULL;
		if (sampling) {
			meta[cpu] = mmap(NULL, (ring_pages + 1) * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
			if (meta[cpu] == MAP_FAILED) {
				perror("mmap");
				return 1;
			}
		}
		a.config = PERF_COUNT_SW_PAGE_FAULTS_MAJ;
		a.mmap = a.mmap_data = a.mmap2 = a.comm = a.task = 0;
		fd = open_ev(&a, child, cpu);
		if (fd < 0 || (sampling && ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, rings[cpu]) < 0)) {
			perror("major-faults");
			return 1;
		}
		if (strcmp(entry, "none") == 0)
			continue;
		base(&a, sampling);
		if (sampling)
			a.sample_period = period ? period : 1;
		if (strcmp(entry, "tp") == 0) {
			a.type = PERF_TYPE_TRACEPOINT;
			a.config = (uint64_t)tp_id();
			a.sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
					PERF_SAMPLE_RAW;
		} else {
			a.type = PERF_TYPE_SOFTWARE;
			a.config = PERF_COUNT_SW_PAGE_FAULTS;
			a.sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
					PERF_SAMPLE_ADDR;
		}
		if (getenv("FLOOR_ENTRY_TYPE"))
			a.sample_type = strtoull(getenv("FLOOR_ENTRY_TYPE"), NULL, 0);
		fd = open_ev(&a, child, cpu);
		if (fd < 0 || (sampling && ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, rings[cpu]) < 0)) {
			perror("entry");
			return 1;
		}
	}
	if (write(go[1], "x", 1) != 1)
		return 1;
	close(go[1]);
	for (;;) {
		struct pollfd pf[MAX_CPUS];
		pid_t w;

		if (tail) {
			for (int i = 0; i < ncpu; i++)
				pf[i] = (struct pollfd){ .fd = rings[i], .events = POLLIN };
			poll(pf, (nfds_t)ncpu, 10);
			for (int i = 0; i < ncpu; i++) {
				uint64_t head = __atomic_load_n(&meta[i]->data_head, __ATOMIC_ACQUIRE);

				if (copy)
					copy_records(meta[i], head);
				__atomic_store_n(&meta[i]->data_tail, head, __ATOMIC_RELEASE);
			}
		} else {
			usleep(10000);
		}
		w = wait4(child, &status, WNOHANG, &ru);
		if (w == child)
			break;
		if (w < 0)
			return 1;
	}
	for (int i = 0; copy && i < ncpu; i++)	/* what the last moments left */
		copy_records(meta[i], __atomic_load_n(&meta[i]->data_head, __ATOMIC_ACQUIRE));
	flush_copy();
	if (out_fd >= 0 && close(out_fd) < 0)
		return 1;
	getrusage(RUSAGE_SELF, &self);
	printf("%s %s %llu %llu %llu\n", mode, entry,
	       (unsigned long long)((ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000ull +
				    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000ull),
	       (unsigned long long)((self.ru_utime.tv_sec + self.ru_stime.tv_sec) * 1000000000ull +
				    (self.ru_utime.tv_usec + self.ru_stime.tv_usec) * 1000ull),
	       (unsigned long long)copied);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
