/* SPDX-License-Identifier: GPL-2.0-or-later */
/* modes: each pfx-load mode maps a region and faults it in a way whose
 * faults are known in advance; --uffd has a userfaultfd recorder serve it. */
#include "config.h"
#include "workload.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif
#ifndef RAMFS_MAGIC
#define RAMFS_MAGIC 0x858458f6
#endif
#define PAGE_PATTERN 0x5a
#define PAGEMAP_SWAPPED (1ULL << 62)
#define THP_SYSFS "/sys/kernel/mm/transparent_hugepage"

/* ---- regions and touching ---------------------------------------------- */

static size_t round_up(size_t value, size_t unit)
{
	return (value + unit - 1) / unit * unit;
}

static void region_describe(struct region *region, char *base, size_t len)
{
	region->base = base;
	region->len = len;
	region->pages = len / region->page_size;
}

/*
 * THP (or multi-size THP) would turn one fault per page into one per huge
 * page, so modes that promise per-page counts opt their region out.
 */
static int map_anon_region(struct region *region, size_t size)
{
	size_t len = round_up(size, region->page_size);
	void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (map == MAP_FAILED)
		return pfx_load_fail("mmap");
	region->map = map;
	region->map_len = len;
	region_describe(region, map, len);
	if (madvise(map, len, MADV_NOHUGEPAGE) && errno != EINVAL)
		return pfx_load_fail("madvise(MADV_NOHUGEPAGE)");
	return 0;
}

static int begin_phase(const struct options *opts, struct region *region);

/* The region of modes whose measured phase starts at once (or on SIGUSR1). */
static int map_then_wait(const struct options *opts, struct region *region)
{
	int status = map_anon_region(region, opts->size);

	return status ? status : begin_phase(opts, region);
}

void pfx_load_release_region(struct region *region)
{
	if (region->map)
		munmap(region->map, region->map_len);
	if (region->fd >= 0)
		close(region->fd);
	region->map = NULL;
	region->fd = -1;
}

static void write_every_page(const struct region *region)
{
	volatile char *base = region->base;

	for (size_t page = 0; page < region->pages; page++)
		base[page * region->page_size] = 1;
}

static int drop_region(const struct region *region)
{
	return madvise(region->base, region->len, MADV_DONTNEED) ? pfx_load_fail("madvise(MADV_DONTNEED)") : 0;
}

static void touch_slice(const struct touch_plan *plan)
{
	for (size_t k = plan->first; k < plan->first + plan->count; k++) {
		size_t page = plan->order ? plan->order[k] : k * plan->stride;

		plan->base[page * plan->page_size] = 1;
	}
}

static pid_t current_tid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void *touch_slice_thread(void *arg)
{
	struct touch_plan *plan = arg;

	plan->tid = current_tid();
	touch_slice(plan);
	return NULL;
}

/* Allocated up front so the measured phase doesn't fault on bookkeeping. */
static int crew_prepare(struct crew *crew, const struct touch_plan *whole, unsigned long size)
{
	crew->size = size;
	crew->ids = calloc(size, sizeof(*crew->ids));
	crew->plans = calloc(size, sizeof(*crew->plans));
	if (!crew->ids || !crew->plans)
		return pfx_load_fail("calloc");
	for (unsigned long i = 0; i < size; i++) {
		size_t first = whole->count / size * i + whole->count % size * i / size;
		size_t next = whole->count / size * (i + 1) + whole->count % size * (i + 1) / size;

		crew->plans[i] = *whole;
		crew->plans[i].first = whole->first + first;
		crew->plans[i].count = next - first;
	}
	return 0;
}

/* " tids=A,B,...": who touched the region, to match a recording's threads. */
static void report_tids(struct report *report, const struct crew *crew)
{
	for (unsigned long i = 0; i < crew->size; i++)
		pfx_load_report_add(report, "%s%ld", i ? "," : " tids=", (long)crew->plans[i].tid);
}

static void crew_free(struct crew *crew)
{
	free(crew->ids);
	free(crew->plans);
}

/* The calling thread takes slice 0, so N threads touch, not N + 1. */
static int crew_run(struct crew *crew)
{
	unsigned long started = 1;
	int err = 0;

	for (; started < crew->size; started++) {
		err = pthread_create(&crew->ids[started], NULL, touch_slice_thread, &crew->plans[started]);
		if (err)
			break;
	}
	crew->plans[0].tid = current_tid();
	touch_slice(&crew->plans[0]);
	for (unsigned long i = 1; i < started; i++)
		pthread_join(crew->ids[i], NULL);
	return err ? pfx_load_fail_with("pthread_create", err) : 0;
}

/* ---- random order -------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Rejection keeps the shuffle unbiased for any page count. */
static uint64_t random_below(uint64_t *state, uint64_t bound)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
	uint64_t r;

	do
		r = splitmix64(state);
	while (r >= limit);
	return r % bound;
}

static size_t *shuffled_pages(size_t pages, uint64_t seed)
{
	size_t *order = malloc(pages * sizeof(*order));
	uint64_t state = seed;

	if (!order)
		return NULL;
	for (size_t i = 0; i < pages; i++)
		order[i] = i;
	for (size_t i = pages - 1; i > 0; i--) {
		size_t j = (size_t)random_below(&state, (uint64_t)i + 1);
		size_t tmp = order[i];

		order[i] = order[j];
		order[j] = tmp;
	}
	return order;
}

/* ---- modes ----------------------------------------------------------------- */

static int run_pattern(const struct options *opts, struct region *region, struct report *report)
{
	struct touch_plan whole = { .stride = 1 };
	struct crew crew = { 0 };
	size_t *order = NULL;
	struct meter meter;
	int status;

	status = map_anon_region(region, opts->size);
	if (status)
		return status;
	whole.base = region->base;
	whole.page_size = region->page_size;
	whole.count = region->pages;
	if (opts->mode == MODE_STRIDE) {
		whole.stride = opts->stride;
		whole.count = (region->pages + opts->stride - 1) / opts->stride;
		pfx_load_report_add(report, " stride=%lu", opts->stride);
	} else if (opts->mode == MODE_RANDOM) {
		order = shuffled_pages(region->pages, opts->seed);
		if (!order)
			return pfx_load_fail("malloc");
		whole.order = order;
		pfx_load_report_add(report, " seed=%" PRIu64, opts->seed);
	}
	status = crew_prepare(&crew, &whole, opts->threads);
	if (status == 0)
		status = begin_phase(opts, region);
	if (status == 0) {
		pfx_load_meter_start(&meter);
		status = crew_run(&crew);
		pfx_load_meter_stop(&meter, report);
		if (opts->uffd)
			report_tids(report, &crew);
	}
	report->threads = opts->threads;
	report->expect_minor = whole.count;
	crew_free(&crew);
	free(order);
	return status;
}

static int run_repeat(const struct options *opts, struct region *region, struct report *report)
{
	struct meter meter;
	int status;

	status = map_then_wait(opts, region);
	if (status)
		return status;
	pfx_load_meter_start(&meter);
	write_every_page(region);
	for (unsigned long round = 0; round < opts->rounds && status == 0; round++) {
		status = drop_region(region);
		if (status == 0)
			write_every_page(region);
	}
	pfx_load_meter_stop(&meter, report);
	report->expect_minor = (uint64_t)region->pages * (opts->rounds + 1);
	/* passes says the first touch is counted in expect_minor too. */
	pfx_load_report_add(report, " rounds=%lu passes=%lu", opts->rounds, opts->rounds + 1);
	return status;
}

/* Page cache in RAM-only filesystems can't be dropped, so no major faults. */
static int check_disk_backed(const char *dir)
{
	struct statfs fs;

	if (statfs(dir, &fs))
		return pfx_load_fail_on("statfs", dir);
	if (fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC)
		return pfx_load_complain(EXIT_USAGE, "--dir %s is in memory (tmpfs/ramfs) and cannot give major faults; use --dir on a disk-backed filesystem",
				dir);
	return 0;
}

static int write_all(int fd, const char *buf, size_t len, const char *path)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return pfx_load_fail_on("write", path);
		}
		done += (size_t)n;
	}
	return 0;
}

static int write_file_contents(int fd, size_t len, const char *path)
{
	size_t chunk = 1024 * 1024;
	char *buf = malloc(chunk);
	int status = 0;

	if (!buf)
		return pfx_load_fail("malloc");
	memset(buf, PAGE_PATTERN, chunk);
	for (size_t done = 0; done < len && status == 0; done += chunk)
		status = write_all(fd, buf, len - done < chunk ? len - done : chunk, path);
	free(buf);
	if (status)
		return status;
	return fsync(fd) ? pfx_load_fail_on("fsync", path) : 0;
}

/*
 * The name goes away as soon as the file is open: the descriptor and the
 * mapping keep the data, and nothing is left behind however we exit.
 */
static int create_temp_file(const struct options *opts, struct region *region, char *path, size_t path_size)
{
	int n = snprintf(path, path_size, "%s/pfx-load.XXXXXX", opts->dir);

	if (n < 0 || (size_t)n >= path_size)
		return pfx_load_complain(EXIT_USAGE, "--dir path too long; use a shorter directory name");
	region->fd = mkstemp(path);
	if (region->fd < 0)
		return pfx_load_fail_on("mkstemp", path);
	if (unlink(path))
		return pfx_load_fail_on("unlink", path);
	return 0;
}

static int evict_file_pages(const struct region *region)
{
	int err = posix_fadvise(region->fd, 0, (off_t)region->len, POSIX_FADV_DONTNEED);

	return err ? pfx_load_fail_with("posix_fadvise(POSIX_FADV_DONTNEED)", err) : 0;
}

static int resident_map(const struct region *region, unsigned char **vec)
{
	*vec = malloc(region->pages);
	if (!*vec)
		return pfx_load_fail("malloc");
	if (mincore(region->base, region->len, *vec)) {
		free(*vec);
		*vec = NULL;
		return pfx_load_fail("mincore");
	}
	return 0;
}

static int count_resident(const struct region *region, size_t *resident)
{
	unsigned char *vec;
	int status = resident_map(region, &vec);

	if (status)
		return status;
	*resident = 0;
	for (size_t page = 0; page < region->pages; page++)
		*resident += vec[page] & 1;
	free(vec);
	return 0;
}

static int map_uncached_file(struct region *region, size_t *resident)
{
	void *map = mmap(NULL, region->len, PROT_READ, MAP_SHARED, region->fd, 0);
	int status;

	if (map == MAP_FAILED)
		return pfx_load_fail("mmap");
	region->map = map;
	region->map_len = region->len;
	region_describe(region, map, region->len);
	status = evict_file_pages(region);
	if (status == 0 && madvise(map, region->len, MADV_RANDOM))
		status = pfx_load_fail("madvise(MADV_RANDOM)");
	if (status == 0)
		status = count_resident(region, resident);
	/* A page still on a per-CPU LRU list can survive the first attempt. */
	if (status == 0 && *resident > 0) {
		status = evict_file_pages(region);
		if (status == 0)
			status = count_resident(region, resident);
	}
	return status;
}

static void read_every_page(const struct region *region)
{
	const volatile char *base = region->base;
	char sink = 0;

	for (size_t page = 0; page < region->pages; page++)
		sink ^= base[page * region->page_size];
	(void)sink;
}

static int run_file(const struct options *opts, struct region *region, struct report *report)
{
	char path[PATH_MAX];
	size_t resident = 0;
	struct meter meter;
	int status;

	status = check_disk_backed(opts->dir);
	if (status == 0)
		status = create_temp_file(opts, region, path, sizeof(path));
	if (status)
		return status;
	region_describe(region, NULL, round_up(opts->size, region->page_size));
	status = write_file_contents(region->fd, region->len, path);
	if (status == 0)
		status = map_uncached_file(region, &resident);
	if (status == 0)
		status = pfx_load_wait_for_start(opts);
	if (status)
		return status;
	pfx_load_meter_start(&meter);
	read_every_page(region);
	pfx_load_meter_stop(&meter, report);
	/* Pages that stayed cached despite the eviction can only fault minor. */
	report->expect_major = region->pages - resident;
	pfx_load_report_add(report, " file=%s resident_before=%zu", path, resident);
	return 0;
}

static bool swap_is_active(void)
{
	FILE *swaps = fopen("/proc/swaps", "r");
	char line[512];
	int lines = 0;

	if (!swaps)
		return false;
	while (fgets(line, sizeof(line), swaps))
		lines++;
	fclose(swaps);
	return lines > 1;	/* the first line is the column header */
}

/*
 * A swapped-out page whose copy is still in the swap cache refaults minor.
 * That is the norm on disk swap, where writeback is asynchronous and the
 * cached copy stays until memory pressure; mincore() tells them apart.
 */
static int count_swapped(const struct region *region, size_t *swapped, size_t *cached)
{
	size_t first = (uintptr_t)region->base / region->page_size;
	unsigned char *resident;
	uint64_t entries[512];
	int status, fd;

	status = resident_map(region, &resident);
	if (status)
		return status;
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(resident);
		return pfx_load_fail_on("open", "/proc/self/pagemap");
	}
	*swapped = *cached = 0;
	for (size_t done = 0; done < region->pages && status == 0;) {
		size_t want = region->pages - done < 512 ? region->pages - done : 512;
		ssize_t n = pread(fd, entries, want * sizeof(entries[0]),
				  (off_t)((first + done) * sizeof(entries[0])));

		if (n <= 0) {
			errno = n == 0 ? EIO : errno;
			status = pfx_load_fail_on("read", "/proc/self/pagemap");
			break;
		}
		for (size_t i = 0; i < (size_t)n / sizeof(entries[0]); i++, done++) {
			if (entries[i] & PAGEMAP_SWAPPED) {
				++*swapped;
				*cached += resident[done] & 1;
			}
		}
	}
	close(fd);
	free(resident);
	return status;
}

static int run_swap(const struct options *opts, struct region *region, struct report *report)
{
	size_t swapped = 0, cached = 0;
	struct meter meter;
	int status;

	if (!swap_is_active())
		return pfx_load_complain(EXIT_SKIP, "swap mode needs active swap (e.g. zram): none found");
	status = map_anon_region(region, opts->size);
	if (status)
		return status;
	write_every_page(region);
	if (madvise(region->base, region->len, MADV_PAGEOUT))
		return pfx_load_fail("madvise(MADV_PAGEOUT)");
	status = count_swapped(region, &swapped, &cached);
	if (status == 0)
		status = pfx_load_wait_for_start(opts);
	if (status)
		return status;
	pfx_load_meter_start(&meter);
	write_every_page(region);
	pfx_load_meter_stop(&meter, report);
	/* Pages reclaim left in place are still mapped: no fault at all. */
	report->expect_major = swapped - cached;
	report->expect_minor = cached;
	pfx_load_report_add(report, " swapped=%zu swapcache=%zu", swapped, cached);
	return 0;
}

static void child_write_every_page(const struct region *region, int result_fd)
{
	struct child_result result;
	struct report report = { 0 };
	struct meter meter;

	pfx_load_meter_start(&meter);
	write_every_page(region);
	pfx_load_meter_stop(&meter, &report);
	result.rusage_minor = report.rusage_minor;
	result.rusage_major = report.rusage_major;
	result.seconds = report.seconds;
	_exit(write(result_fd, &result, sizeof(result)) == (ssize_t)sizeof(result) ? 0 : 1);
}

static int collect_child(pid_t child, int result_fd, struct report *report)
{
	struct child_result result;
	ssize_t n;
	int wstatus;

	do
		n = read(result_fd, &result, sizeof(result));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return pfx_load_fail("read");
	while (waitpid(child, &wstatus, 0) < 0) {
		if (errno != EINTR)
			return pfx_load_fail("waitpid");
	}
	if (n != (ssize_t)sizeof(result) || !WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
		return pfx_load_complain(EXIT_FAILURE, "cow child %ld did not report its faults (wait status %d)",
				(long)child, wstatus);
	report->rusage_minor = result.rusage_minor;
	report->rusage_major = result.rusage_major;
	report->seconds = result.seconds;
	return 0;
}

/* The child measures itself: RUSAGE_CHILDREN would also count its fork and exit. */
static int run_cow(const struct options *opts, struct region *region, struct report *report)
{
	int pipefd[2];
	pid_t child;
	int status;

	status = map_anon_region(region, opts->size);
	if (status)
		return status;
	write_every_page(region);
	status = pfx_load_wait_for_start(opts);
	if (status)
		return status;
	if (pipe(pipefd))
		return pfx_load_fail("pipe");
	fflush(NULL);
	child = fork();
	if (child < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return pfx_load_fail("fork");
	}
	if (child == 0) {
		close(pipefd[0]);
		child_write_every_page(region, pipefd[1]);
	}
	close(pipefd[1]);
	status = collect_child(child, pipefd[0], report);
	close(pipefd[0]);
	report->expect_minor = region->pages;
	pfx_load_report_add(report, " child_pid=%ld", (long)child);
	return status;
}

static int thp_unavailable(void)
{
	FILE *file = fopen(THP_SYSFS "/enabled", "r");
	char line[256] = "";
	bool never;

	if (!file)
		return pfx_load_complain(EXIT_SKIP, "thp mode needs transparent huge pages: " THP_SYSFS "/enabled not found");
	never = !fgets(line, sizeof(line), file) || strstr(line, "[never]");
	fclose(file);
	if (never)
		return pfx_load_complain(EXIT_SKIP, "thp mode needs transparent huge pages: enabled is [never]; set it to madvise or always");
	return 0;
}

/* 2 MiB on x86-64, but arm64 with 64K pages uses 512 MiB. */
static size_t huge_page_size(void)
{
	FILE *file = fopen(THP_SYSFS "/hpage_pmd_size", "r");
	unsigned long long size = 0;

	if (file) {
		if (fscanf(file, "%llu", &size) != 1)
			size = 0;
		fclose(file);
	}
	return size ? (size_t)size : 2 * 1024 * 1024;
}

static long long anon_huge_bytes(const void *start)
{
	FILE *smaps = fopen("/proc/self/smaps", "r");
	unsigned long lo, hi;
	unsigned long long kib;
	char *line = NULL;
	size_t cap = 0;
	bool ours = false;
	long long bytes = -1;

	if (!smaps)
		return -1;
	while (bytes < 0 && getline(&line, &cap, smaps) > 0) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			ours = lo == (uintptr_t)start;
		else if (ours && sscanf(line, "AnonHugePages: %llu kB", &kib) == 1)
			bytes = (long long)(kib * KIB);
	}
	free(line);
	fclose(smaps);
	return bytes;
}

/* The slack lets us start on a huge page boundary whatever mmap returns. */
static int map_huge_aligned(struct region *region, size_t size, size_t huge)
{
	size_t len = round_up(size, huge);
	void *map = mmap(NULL, len + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *base;

	if (map == MAP_FAILED)
		return pfx_load_fail("mmap");
	region->map = map;
	region->map_len = len + huge;
	base = (char *)round_up((uintptr_t)map, huge);
	region_describe(region, base, len);
	return madvise(base, len, MADV_HUGEPAGE) ? pfx_load_fail("madvise(MADV_HUGEPAGE)") : 0;
}

static int run_thp(const struct options *opts, struct region *region, struct report *report)
{
	size_t huge = huge_page_size();
	volatile char *base;
	struct meter meter;
	int status;

	status = thp_unavailable();
	if (status == 0)
		status = map_huge_aligned(region, opts->size, huge);
	if (status == 0)
		status = pfx_load_wait_for_start(opts);
	if (status)
		return status;
	base = region->base;
	pfx_load_meter_start(&meter);
	for (size_t off = 0; off < region->len; off += huge)
		base[off] = 1;
	pfx_load_meter_stop(&meter, report);
	report->expect_minor = region->len / huge;
	pfx_load_report_add(report, " huge_page_size=%zu thp_bytes=%lld", huge, anon_huge_bytes(region->base));
	return 0;
}

/* Checking the clock about once per millisecond of faults keeps the rate smooth. */
static int fault_steadily(const struct options *opts, const struct region *region, uint64_t total)
{
	uint64_t batch = opts->rate / 1000 ? opts->rate / 1000 : 1;
	volatile char *base = region->base;
	struct timespec start = pfx_load_monotonic_now();
	size_t page = 0;
	int status = 0;

	for (uint64_t done = 0; done < total && status == 0;) {
		uint64_t n = total - done < batch ? total - done : batch;

		for (uint64_t i = 0; i < n && status == 0; i++) {
			if (page == region->pages) {
				status = drop_region(region);
				page = 0;
			}
			base[page++ * region->page_size] = 1;
		}
		done += n;
		if (status == 0)
			status = pfx_load_sleep_until(pfx_load_timespec_after(start, done / opts->rate,
							    done % opts->rate * 1000000000ULL / opts->rate));
	}
	return status;
}

static int run_steady(const struct options *opts, struct region *region, struct report *report)
{
	uint64_t total = (uint64_t)((double)opts->rate * opts->seconds + 0.5);
	struct meter meter;
	int status;

	if (total == 0)
		total = 1;
	status = map_then_wait(opts, region);
	if (status)
		return status;
	pfx_load_meter_start(&meter);
	status = fault_steadily(opts, region, total);
	pfx_load_meter_stop(&meter, report);
	report->expect_minor = total;
	pfx_load_report_add(report, " rate=%lu", opts->rate);
	return status;
}

/* --pass-log: each hot pass's start and end (CLOCK_MONOTONIC ns), kept
 * in memory written before the fault count starts, so the hot phase takes
 * no fault for it, and written to the file after.  A pass ends with a
 * sleep of 1 ms or more, so SECONDS * 1000 + 2 of them always fit.  A
 * loaded host can starve the load: pfx wss's tests keep only the windows
 * that hold a whole pass (tests/wss-lib.sh). */
struct pass_log {
	uint64_t (*pass)[2];
	size_t n, cap;
};

static uint64_t timespec_ns(struct timespec ts)
{
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int pass_log_open(const struct options *opts, struct pass_log *log)
{
	log->n = 0;
	log->cap = (size_t)(opts->seconds * 1000) + 2;
	log->pass = malloc(log->cap * sizeof(*log->pass));
	if (!log->pass)
		return pfx_load_fail_with("malloc", ENOMEM);
	/* not 0: malloc and memset of 0 may become calloc, which leaves the
	 * pages to fault in the hot phase */
	memset(log->pass, 0xff, log->cap * sizeof(*log->pass));
	return 0;
}

static int pass_log_write(const char *path, struct pass_log *log)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
	int status = 0;

	if (!fp) {
		status = pfx_load_fail_on("open", path);
		if (fd >= 0)
			close(fd);
	} else {
		for (size_t i = 0; i < log->n; i++)
			fprintf(fp, "%" PRIu64 " %" PRIu64 "\n", log->pass[i][0], log->pass[i][1]);
		if (fclose(fp) != 0)
			status = pfx_load_fail_on("write", path);
	}
	free(log->pass);
	log->pass = NULL;
	return status;
}

/* Read and write by default, so both the accessed and the dirty
 * (soft-dirty) views see the hot part as hot; --read-hot reads only, so
 * only the accessed view does.  One byte per page, every millisecond. */
static int keep_hot(const struct options *opts, const struct region *region, size_t hot_pages,
		    unsigned long *passes, struct pass_log *log)
{
	uint64_t whole_seconds = (uint64_t)opts->seconds;
	uint64_t nanoseconds = (uint64_t)((opts->seconds - (double)whole_seconds) * 1e9);
	struct timespec deadline = pfx_load_timespec_after(pfx_load_monotonic_now(), whole_seconds, nanoseconds);
	volatile char *base = region->base;
	char sum = 0;
	int status = 0;

	for (*passes = 0; status == 0; (*passes)++) {
		struct timespec begun = pfx_load_monotonic_now();

		if (pfx_load_timespec_reached(begun, deadline))
			break;
		if (opts->read_hot) {
			for (size_t page = 0; page < hot_pages; page++)
				sum = (char)(sum + base[page * region->page_size]);
		} else {
			for (size_t page = 0; page < hot_pages; page++)
				base[page * region->page_size] = (char)(base[page * region->page_size] + 1);
		}
		if (log && log->n < log->cap) {
			log->pass[log->n][0] = timespec_ns(begun);
			log->pass[log->n++][1] = timespec_ns(pfx_load_monotonic_now());
		}
		status = pfx_load_sleep_ms(1);
	}
	(void)sum;
	return status;
}

/* --thp: huge pages for the whole region, which must then start on a
 * huge-page boundary (the sizes the tests use are multiples of it). */
static int map_hotcold_region(const struct options *opts, struct region *region)
{
	int status;

	if (!opts->thp)
		return map_then_wait(opts, region);
	status = thp_unavailable();
	if (status == 0)
		status = map_huge_aligned(region, opts->size, huge_page_size());
	return status ? status : begin_phase(opts, region);
}

static int run_hotcold(const struct options *opts, struct region *region, struct report *report)
{
	unsigned long passes = 0;
	struct pass_log log = { 0 };
	size_t hot_pages;
	struct meter meter;
	int status;

	status = map_hotcold_region(opts, region);
	if (status == 0 && opts->pass_log)
		status = pass_log_open(opts, &log);
	if (status)
		return status;
	hot_pages = round_up(opts->hot, region->page_size) / region->page_size;
	if (hot_pages > region->pages)
		hot_pages = region->pages;
	pfx_load_meter_start(&meter);
	write_every_page(region);
	status = keep_hot(opts, region, hot_pages, &passes, opts->pass_log ? &log : NULL);
	pfx_load_meter_stop(&meter, report);
	report->expect_minor = opts->thp ? region->len / huge_page_size() : region->pages;
	pfx_load_report_add(report, " hot_bytes=%zu total_bytes=%zu hot_passes=%lu access=%s", hot_pages * region->page_size,
		   region->len, passes, opts->read_hot ? "read" : "write");
	if (opts->thp)
		pfx_load_report_add(report, " thp_bytes=%lld", anon_huge_bytes(region->base));
	if (opts->pass_log) {
		pfx_load_report_add(report, " passes_logged=%zu", log.n);
		if (pass_log_write(opts->pass_log, &log) && status == 0)
			status = EXIT_FAILURE;
	}
	return status;
}

/* Reads only: a private anonymous page read before any write maps the
 * shared zero page, so the region stays mapped yet uses no memory. */
static int run_zero(const struct options *opts, struct region *region, struct report *report)
{
	volatile const char *base;
	struct meter meter;
	int status;
	char sum = 0;

	status = map_then_wait(opts, region);
	if (status)
		return status;
	base = region->base;
	pfx_load_meter_start(&meter);
	for (size_t page = 0; page < region->pages; page++)
		sum = (char)(sum + base[page * region->page_size]);
	pfx_load_meter_stop(&meter, report);
	report->expect_minor = region->pages;
	pfx_load_report_add(report, " sum=%d", sum);
	return 0;
}

/* After the fault phase, so the faults counted are the mode's own.  The
 * system call directly: sanitizer runtimes replace mlock() with one that
 * does nothing and returns 0. */
int pfx_load_lock_region(const struct region *region)
{
	int err;

	if (syscall(SYS_mlock, region->base, region->len) == 0)
		return 0;
	err = errno;
	if (err == EPERM || err == ENOMEM || err == EAGAIN)
		return pfx_load_complain(EXIT_SKIP, "--lock: mlock of %zu bytes refused (%s); raise the limit (ulimit -l) or run as root",
				region->len, strerror(err));
	return pfx_load_fail_with("mlock", err);
}

/* ---- --uffd: a userfaultfd recorder serves the region --------------------- */

/* File scope: the signal thread finishes the recording too. */
static struct {
	pthread_mutex_t lock;
	struct pfx_uffd *recorder;	/* NULL when not running */
	char *snapshot;			/* the copy policy's source */
	sigset_t stop_signals;
} uffd = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Byte off of page of the copy/file source.  Each page differs (a hash of
 * its number), so a page served from the wrong offset is caught. */
static void source_page(char *dst, size_t page, size_t page_size)
{
	uint64_t state = page;
	uint64_t hash = splitmix64(&state);

	for (size_t off = 0; off < page_size; off++)
		dst[off] = (char)((hash >> (off % 8 * 8)) ^ (off / 8));
}

static char *make_source(const struct region *region)
{
	char *buf = malloc(region->len);

	if (!buf)
		return NULL;
	for (size_t page = 0; page < region->pages; page++)
		source_page(buf + page * region->page_size, page, region->page_size);
	return buf;
}

/* Cold, and no readahead: each page is one read from the disk, as the
 * file mode's mmap with MADV_RANDOM, so the two compare (bench/uffd.sh). */
static int make_source_file(const struct options *opts, struct region *region)
{
	char path[PATH_MAX];
	char *buf = make_source(region);
	int status, err;

	if (!buf)
		return pfx_load_fail("malloc");
	status = create_temp_file(opts, region, path, sizeof(path));
	if (status == 0)
		status = write_all(region->fd, buf, region->len, path);
	free(buf);
	if (status == 0 && fsync(region->fd))
		status = pfx_load_fail_on("fsync", path);
	if (status == 0)
		status = evict_file_pages(region);
	if (status == 0 && (err = posix_fadvise(region->fd, 0, 0, POSIX_FADV_RANDOM)))
		status = pfx_load_fail_with("posix_fadvise(POSIX_FADV_RANDOM)", err);
	return status;
}

static int uffd_open_error(int err)
{
	if (err == -ENOSYS || err == -EPERM)
		return pfx_load_complain(EXIT_SKIP, "--uffd: userfaultfd unavailable here (%s)%s", strerror(-err),
				err == -EPERM ? "; allow it with sysctl vm.unprivileged_userfaultfd=1 or run as root" :
						"; the kernel lacks CONFIG_USERFAULTFD");
	return pfx_load_fail_with("--uffd: userfaultfd recorder", -err);
}

static int start_recorder(const struct options *opts, const struct region *region)
{
	struct pfx_uffd_range range = {
		.addr = region->base, .len = region->len, .policy = opts->uffd_policy,
		.src = uffd.snapshot, .fd = region->fd, .offset = 0,
	};
	struct pfx_uffd *u;
	int err = pfx_uffd_open(&u, opts->uffd_out, opts->command);

	if (err)
		return uffd_open_error(err);
	err = pfx_uffd_register(u, &range);
	if (err == 0)
		err = pfx_uffd_start(u);
	if (err) {
		pfx_uffd_abort(u);
		return pfx_load_fail_with("--uffd: register the region", -err);
	}
	pthread_mutex_lock(&uffd.lock);
	uffd.recorder = u;
	pthread_mutex_unlock(&uffd.lock);
	return 0;
}

/* Between mapping the region and touching it. */
static int begin_phase(const struct options *opts, struct region *region)
{
	int status = 0;

	if (opts->uffd && opts->uffd_policy == PFX_UFFD_COPY) {
		uffd.snapshot = make_source(region);
		if (!uffd.snapshot)
			return pfx_load_fail("malloc");
	}
	if (opts->uffd && opts->uffd_policy == PFX_UFFD_FILE)
		status = make_source_file(opts, region);
	if (status == 0 && opts->uffd)
		status = start_recorder(opts, region);
	return status ? status : pfx_load_wait_for_start(opts);
}

/* 0, or the recorder's error (the file is then not left behind). */
static int finish_recorder(struct pfx_uffd_stats *stats)
{
	int err = 0;

	pthread_mutex_lock(&uffd.lock);
	if (uffd.recorder)
		err = pfx_uffd_finish(uffd.recorder, stats);
	uffd.recorder = NULL;
	pthread_mutex_unlock(&uffd.lock);
	return err;
}

/*
 * SIGINT/SIGTERM mid-phase: the file is completed with the faults served
 * so far, then we exit as the signal would have.  Blocked in every thread
 * (before any is created) and taken here, where finishing is safe.
 */
static void *stop_on_signal(void *unused)
{
	struct pfx_uffd_stats stats = { 0 };
	int sig = SIGTERM, err;

	(void)unused;
	while (sigwait(&uffd.stop_signals, &sig) != 0)
		;
	err = finish_recorder(&stats);
	fprintf(stderr, "pfx-load: %s: userfaultfd recording stopped after %" PRIu64 " faults%s%s\n",
		strsignal(sig), stats.faults, err ? ": " : "", err ? strerror(-err) : "");
	_exit(128 + sig);
}

int pfx_load_catch_stop_signals(void)
{
	pthread_t thread;
	int err;

	sigemptyset(&uffd.stop_signals);
	sigaddset(&uffd.stop_signals, SIGINT);
	sigaddset(&uffd.stop_signals, SIGTERM);
	err = pthread_sigmask(SIG_BLOCK, &uffd.stop_signals, NULL);
	if (err == 0)
		err = pthread_create(&thread, NULL, stop_on_signal, NULL);
	if (err == 0)
		err = pthread_detach(thread);
	return err ? pfx_load_fail_with("--uffd: signal thread", err) : 0;
}

static bool page_holds(const char *page, size_t page_size, const char *want)
{
	/* byte 0 is the workload's own write */
	return page[0] == 1 && memcmp(page + 1, want + 1, page_size - 1) == 0;
}

/* Every page the phase touched holds what the policy served (0 or the
 * source), but for the byte the workload wrote.  Steady mode wraps
 * around, so which pages were touched last is not checked. */
static long verify_pages(const struct options *opts, const struct region *region)
{
	size_t step = opts->mode == MODE_STRIDE ? opts->stride : 1;
	char *want = calloc(1, region->page_size);
	long bad = 0;

	if (!want)
		return -1;
	for (size_t page = 0; page < region->pages; page += step) {
		if (opts->uffd_policy != PFX_UFFD_ZERO)
			source_page(want, page, region->page_size);
		bad += !page_holds(region->base + page * region->page_size, region->page_size, want);
	}
	free(want);
	return bad;
}

int pfx_load_end_uffd(const struct options *opts, const struct region *region,
		    struct report *report, int status)
{
	struct pfx_uffd_stats stats = { 0 };
	int err = finish_recorder(&stats);
	long bad;

	free(uffd.snapshot);
	uffd.snapshot = NULL;
	if (err)
		return pfx_load_fail_with("--uffd: recording", -err);
	pfx_load_report_add(report, " uffd=%s uffd_faults=%" PRIu64 " uffd_raced=%" PRIu64 " uffd_out=%s",
		   pfx_uffd_policy_name(opts->uffd_policy), stats.faults, stats.raced, opts->uffd_out);
	if (opts->mode == MODE_REPEAT || opts->mode == MODE_STEADY)
		pfx_load_report_add(report, " tids=%ld", (long)current_tid());
	if (status || opts->mode == MODE_STEADY)
		return status;
	bad = verify_pages(opts, region);
	if (bad < 0)
		return pfx_load_fail("calloc");
	pfx_load_report_add(report, " verified=%d", bad == 0);
	if (bad)
		return pfx_load_complain(EXIT_FAILURE, "--uffd %s: %ld pages do not hold what the recorder served",
				pfx_uffd_policy_name(opts->uffd_policy), bad);
	return 0;
}

int pfx_load_run_mode(const struct options *opts, struct region *region, struct report *report)
{
	switch (opts->mode) {
	case MODE_SEQ:
	case MODE_RANDOM:
	case MODE_STRIDE:
		return run_pattern(opts, region, report);
	case MODE_REPEAT:
		return run_repeat(opts, region, report);
	case MODE_FILE:
		return run_file(opts, region, report);
	case MODE_SWAP:
		return run_swap(opts, region, report);
	case MODE_COW:
		return run_cow(opts, region, report);
	case MODE_THP:
		return run_thp(opts, region, report);
	case MODE_STEADY:
		return run_steady(opts, region, report);
	case MODE_HOTCOLD:
		return run_hotcold(opts, region, report);
	case MODE_ZERO:
		return run_zero(opts, region, report);
	}
	return pfx_load_complain(EXIT_USAGE, "internal mode error; please report this");
}
