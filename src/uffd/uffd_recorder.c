/* SPDX-License-Identifier: GPL-2.0-or-later */
/* uffd_recorder: the userfaultfd fault handler and its record file; the
 * API is in uffd_recorder.h, the user's guide in doc/uffd.md.
 *
 * The kernel ABI this file relies on (linux/userfaultfd.h; the kernel's
 * Documentation/admin-guide/mm/userfaultfd.rst), all of it here:
 *
 *  - userfaultfd(2) has no libc wrapper: syscall(__NR_userfaultfd, flags)
 *    with O_CLOEXEC | O_NONBLOCK, plus UFFD_USER_MODE_ONLY (Linux 5.11+),
 *    which lets an unprivileged process open one even when
 *    vm.unprivileged_userfaultfd is 0, at the price of handling only faults
 *    taken in user mode.  That is all we need: the handler never makes the
 *    kernel touch a registered range (pread() lands in its own buffer).
 *    Older kernels reject the flag with EINVAL: we retry without it.  Where
 *    the system call says EPERM, /dev/userfaultfd (6.1+, governed by its
 *    file mode) hands out the same descriptor through USERFAULTFD_IOC_NEW.
 *  - UFFDIO_API is the handshake: api = UFFD_API and the features asked
 *    for; the kernel answers with every feature it has.  Asking for one it
 *    lacks fails with EINVAL and leaves the descriptor unusable, so we try
 *    again on a new one without it.  The only feature asked for is
 *    UFFD_FEATURE_THREAD_ID (4.14+): the faulting thread's id in each
 *    message.  None of the UFFD_FEATURE_EVENT_* are: no fork/remap/remove/
 *    unmap events arrive, and MADV_DONTNEED simply zaps the pages (their
 *    next touch is a missing fault again).
 *  - UFFDIO_REGISTER, mode UFFDIO_REGISTER_MODE_MISSING, on a whole range
 *    of pages; the answer's .ioctls says which fill ioctls the range takes
 *    (1 << _UFFDIO_COPY, 1 << _UFFDIO_ZEROPAGE).  UFFDIO_UNREGISTER wakes
 *    the threads still waiting there; from then on the kernel serves it.
 *  - read() returns whole struct uffd_msg (32 bytes), as many as fit and
 *    are queued.  We use .event
 *    (UFFD_EVENT_PAGEFAULT), .arg.pagefault.flags (UFFD_PAGEFAULT_FLAG_WRITE),
 *    .arg.pagefault.address (page-aligned, as UFFD_FEATURE_EXACT_ADDRESS is
 *    not asked for) and .arg.pagefault.feat.ptid (with THREAD_ID).
 *  - UFFDIO_COPY / UFFDIO_ZEROPAGE fill one page and wake its waiters; the
 *    ioctl fails with errno (and stores -errno or the bytes done in
 *    .copy / .zeropage).  EEXIST: the page is already there (another
 *    thread's fault of the same page, read in the same batch, was served
 *    first; a fill also drops the messages of that page not read yet);
 *    the kernel wakes no one on an error, so UFFDIO_WAKE.  EAGAIN: the address space is changing
 *    (mmap_changing); wake the thread, it faults again and a new message
 *    comes.  ENOENT: the mapping is gone; ESRCH: the process is exiting.
 *
 * Locking: one mutex guards the range table and the record writer, which
 * the owner's pfx_uffd_register() and the handler thread share. */
#include "config.h"
#include <pfx/uffd_recorder.h>
#include "recfile.h"
#include "u64map.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif
#ifndef USERFAULTFD_IOC_NEW
#define USERFAULTFD_IOC_NEW _IO(0xAA, 0x00)
#endif

/* Messages one read() takes: as many threads as fault at once, usually. */
#define UFFD_READ_BATCH 16

struct uffd_range {
	struct pfx_uffd_range r;
	uint64_t start, end;
	bool active;		/* false once unregistered after a fill error */
};

struct pfx_uffd {
	int uffd;
	int stop_fd;			/* eventfd: the owner asks the handler to end */
	unsigned features;		/* PFX_UFFD_HAS_* */
	size_t page_size;
	uint32_t pid;
	uint64_t t0;			/* CLOCK_MONOTONIC at open: record times count from here */
	void *zero_page;		/* source of a ZERO write fault */
	void *bounce;			/* FILE: the page read from the file */
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;		/* ranges, w, tids, err */
	struct uffd_range ranges[PFX_UFFD_MAX_RANGES];
	size_t nranges;
	struct pfx_rec_writer *w;
	struct pfx_u64map tids;		/* threads named in the file so far */
	struct pfx_uffd_stats stats;
	int err;			/* first recording error, sticky */
};

const char *pfx_uffd_policy_name(enum pfx_uffd_policy policy)
{
	switch (policy) {
	case PFX_UFFD_ZERO: return "zero";
	case PFX_UFFD_COPY: return "copy";
	case PFX_UFFD_FILE: return "file";
	}
	return "?";
}

unsigned pfx_uffd_features(const struct pfx_uffd *u)
{
	return u->features;
}

static void keep_error(struct pfx_uffd *u, int err)
{
	if (err < 0 && !u->err)
		u->err = err;
}

/* ---- opening: system call, device, API handshake ----------------------- */

static int uffd_syscall(int flags)
{
#ifdef __NR_userfaultfd
	long fd = syscall(__NR_userfaultfd, flags);

	return fd < 0 ? -errno : (int)fd;
#else
	(void)flags;
	return -ENOSYS;
#endif
}

static int uffd_from_device(int flags)
{
	int dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
	int fd;

	if (dev < 0)
		return -errno;
	fd = ioctl(dev, USERFAULTFD_IOC_NEW, flags);
	fd = fd < 0 ? -errno : fd;
	close(dev);
	return fd;
}

static int new_uffd(unsigned *features)
{
	int base = O_CLOEXEC | O_NONBLOCK;
	int fd = uffd_syscall(base | UFFD_USER_MODE_ONLY);

	*features &= ~PFX_UFFD_USER_MODE_ONLY;
	if (fd >= 0) {
		*features |= PFX_UFFD_USER_MODE_ONLY;
		return fd;
	}
	if (fd == -EINVAL)	/* before 5.11 */
		fd = uffd_syscall(base);
	if (fd == -EPERM) {
		int dev = uffd_from_device(base);

		fd = dev >= 0 ? dev : fd;
	}
	return fd;
}

static int uffd_handshake(int fd, uint64_t features)
{
	struct uffdio_api api = { .api = UFFD_API, .features = features };

	return ioctl(fd, UFFDIO_API, &api) ? -errno : 0;
}

static int open_uffd(struct pfx_uffd *u)
{
	int fd = new_uffd(&u->features);
	int err;

	if (fd < 0)
		return fd;
	err = uffd_handshake(fd, UFFD_FEATURE_THREAD_ID);
	if (err == 0) {
		u->features |= PFX_UFFD_HAS_THREAD_ID;
	} else if (err == -EINVAL) {	/* no THREAD_ID: a fresh descriptor without it */
		close(fd);
		fd = new_uffd(&u->features);
		if (fd < 0)
			return fd;
		err = uffd_handshake(fd, 0);
	}
	if (err) {
		close(fd);
		return err;
	}
	u->uffd = fd;
	return 0;
}

/* ---- the record file ----------------------------------------------------- */

static void fill_header(struct pfx_rec_header *h, const struct pfx_uffd *u, const char *command)
{
	struct utsname un;

	memset(h, 0, sizeof(*h));
	h->page_size = (uint32_t)u->page_size;
	/* read/write is known from the message; latency is the service time */
	h->flags = PFX_REC_HAS_LATENCY | PFX_REC_HAS_ERROR_CODE;
	h->start_realtime_ns = pfx_realtime_ns();
	if (uname(&un) == 0)
		snprintf(h->kernel, sizeof(h->kernel), "%s", un.release);
	snprintf(h->command, sizeof(h->command), "%s", command ? command : "");
	snprintf(h->source, sizeof(h->source), "uffd");
	snprintf(h->events, sizeof(h->events), "userfaultfd");
}

static uint64_t since_t0(const struct pfx_uffd *u, uint64_t t)
{
	return t > u->t0 ? t - u->t0 : 0;
}

/* Called with u->lock held.  A write error stops the recording (the
 * handler keeps serving faults: the owner's threads must not hang). */
static void write_item(struct pfx_uffd *u, const struct pfx_rec_item *item)
{
	if (!u->err)
		keep_error(u, pfx_rec_write(u->w, item));
}

static void write_range_mapping(struct pfx_uffd *u, const struct uffd_range *range)
{
	struct pfx_rec_item item = { .type = PFX_REC_MAPPING };

	item.mapping.time_ns = since_t0(u, pfx_now_ns());
	item.mapping.start = range->start;
	item.mapping.end = range->end;
	item.mapping.pid = u->pid;
	item.mapping.prot = PROT_READ | PROT_WRITE;
	item.mapping.flags = MAP_PRIVATE;
	item.mapping.path = "";	/* anonymous memory, whatever fills it */
	write_item(u, &item);
}

/* The first fault of a thread names it, as 'pfx record' does. */
static void write_thread_once(struct pfx_uffd *u, uint32_t tid, uint64_t time_ns)
{
	struct pfx_rec_item item = { .type = PFX_REC_THREAD };
	char path[64], comm[64] = "";
	bool is_new;
	ssize_t n;

	if (!tid || !pfx_u64map_upsert(&u->tids, tid, &is_new) || !is_new)
		return;
	u->stats.threads++;
	snprintf(path, sizeof(path), "/proc/self/task/%u/comm", tid);
	n = pfx_read_file(path, comm, sizeof(comm));
	if (n > 0 && comm[n - 1] == '\n')
		comm[n - 1] = '\0';
	item.thread.time_ns = time_ns;
	item.thread.pid = u->pid;
	item.thread.tid = tid;
	item.thread.comm = n > 0 ? comm : "";
	write_item(u, &item);
}

/* ---- open, register ---------------------------------------------------- */

static void free_uffd(struct pfx_uffd *u)
{
	if (u->uffd >= 0)
		close(u->uffd);
	if (u->stop_fd >= 0)
		close(u->stop_fd);
	pfx_u64map_free(&u->tids);
	pthread_mutex_destroy(&u->lock);
	free(u->zero_page);
	free(u->bounce);
	free(u);
}

int pfx_uffd_open(struct pfx_uffd **up, const char *record_path, const char *command)
{
	struct pfx_uffd *u = calloc(1, sizeof(*u));
	long page_size = sysconf(_SC_PAGESIZE);
	struct pfx_rec_header header;
	int err;

	if (!u)
		return -ENOMEM;
	u->uffd = u->stop_fd = -1;
	pthread_mutex_init(&u->lock, NULL);
	u->page_size = page_size > 0 ? (size_t)page_size : 4096;
	u->pid = (uint32_t)getpid();
	u->zero_page = aligned_alloc(u->page_size, u->page_size);
	u->bounce = aligned_alloc(u->page_size, u->page_size);
	err = !u->zero_page || !u->bounce ? -ENOMEM : pfx_u64map_init(&u->tids, sizeof(uint64_t));
	if (!err) {
		memset(u->zero_page, 0, u->page_size);
		u->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		err = u->stop_fd < 0 ? -errno : open_uffd(u);
	}
	if (!err) {
		fill_header(&header, u, command);
		u->t0 = pfx_now_ns();
		err = pfx_rec_writer_open(&u->w, record_path, &header, true);
	}
	if (err) {
		free_uffd(u);
		return err;
	}
	*up = u;
	return 0;
}

static int check_range(const struct pfx_uffd *u, const struct pfx_uffd_range *r)
{
	uintptr_t mask = u->page_size - 1;

	if (!r->addr || !r->len || ((uintptr_t)r->addr & mask) || (r->len & mask))
		return -EINVAL;
	switch (r->policy) {
	case PFX_UFFD_ZERO: return 0;
	case PFX_UFFD_COPY: return r->src ? 0 : -EINVAL;
	case PFX_UFFD_FILE: return r->fd >= 0 && r->offset >= 0 ? 0 : -EINVAL;
	}
	return -EINVAL;
}

static int unregister_range(int uffd, uint64_t start, uint64_t end)
{
	struct uffdio_range range = { .start = start, .len = end - start };

	return ioctl(uffd, UFFDIO_UNREGISTER, &range) ? -errno : 0;
}

/* A ZERO write fault is served by UFFDIO_COPY, so every policy needs it. */
static bool range_serves(const struct uffdio_register *reg, enum pfx_uffd_policy policy)
{
	uint64_t need = 1ULL << _UFFDIO_COPY;

	if (policy == PFX_UFFD_ZERO)
		need |= 1ULL << _UFFDIO_ZEROPAGE;
	return (reg->ioctls & need) == need;
}

static int register_locked(struct pfx_uffd *u, const struct pfx_uffd_range *r)
{
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)r->addr, .len = r->len },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	struct uffd_range *slot;

	if (u->nranges == PFX_UFFD_MAX_RANGES)
		return -ENOSPC;
	if (ioctl(u->uffd, UFFDIO_REGISTER, &reg))
		return -errno;
	if (!range_serves(&reg, r->policy)) {
		unregister_range(u->uffd, reg.range.start, reg.range.start + reg.range.len);
		return -EOPNOTSUPP;
	}
	slot = &u->ranges[u->nranges++];
	slot->r = *r;
	slot->start = reg.range.start;
	slot->end = reg.range.start + reg.range.len;
	slot->active = true;
	write_range_mapping(u, slot);
	return 0;
}

int pfx_uffd_register(struct pfx_uffd *u, const struct pfx_uffd_range *r)
{
	int err = check_range(u, r);

	if (err)
		return err;
	pthread_mutex_lock(&u->lock);
	err = register_locked(u, r);
	pthread_mutex_unlock(&u->lock);
	return err;
}

/* ---- serving one fault ----------------------------------------------------- */

/* What the handler knows about one fault message. */
struct fault_msg {
	uint64_t page;
	uint32_t tid;
	bool write;
	uint64_t t_read;	/* CLOCK_MONOTONIC when read() returned it */
};

static int uffd_copy(const struct pfx_uffd *u, uint64_t page, const void *src)
{
	struct uffdio_copy copy = {
		.dst = page, .src = (uintptr_t)src, .len = u->page_size, .mode = 0,
	};

	return ioctl(u->uffd, UFFDIO_COPY, &copy) ? -errno : 0;
}

static int uffd_zeropage(const struct pfx_uffd *u, uint64_t page)
{
	struct uffdio_zeropage zero = { .range = { .start = page, .len = u->page_size }, .mode = 0 };

	return ioctl(u->uffd, UFFDIO_ZEROPAGE, &zero) ? -errno : 0;
}

static void uffd_wake(const struct pfx_uffd *u, uint64_t page)
{
	struct uffdio_range range = { .start = page, .len = u->page_size };

	ioctl(u->uffd, UFFDIO_WAKE, &range);
}

/* One page of the file into the bounce buffer; past the end are zeros.
 * 0, or -errno (the buffer is then all zeros). */
static int read_file_page(struct pfx_uffd *u, const struct pfx_uffd_range *r, uint64_t off)
{
	char *buf = u->bounce;
	size_t done = 0;

	while (done < u->page_size) {
		ssize_t n = pread(r->fd, buf + done, u->page_size - done,
				  r->offset + (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = -errno;

			memset(buf, 0, u->page_size);
			return err;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	memset(buf + done, 0, u->page_size - done);
	return 0;
}

static int fill_page(struct pfx_uffd *u, const struct uffd_range *range, const struct fault_msg *m)
{
	uint64_t off = m->page - range->start;

	switch (range->r.policy) {
	case PFX_UFFD_ZERO:
		return m->write ? uffd_copy(u, m->page, u->zero_page) : uffd_zeropage(u, m->page);
	case PFX_UFFD_COPY:
		return uffd_copy(u, m->page, (const char *)range->r.src + off);
	case PFX_UFFD_FILE:
		if (read_file_page(u, &range->r, off) < 0)
			u->stats.read_errors++;
		return uffd_copy(u, m->page, u->bounce);
	}
	return -EINVAL;
}

static void count_policy(struct pfx_uffd_stats *s, enum pfx_uffd_policy policy)
{
	if (policy == PFX_UFFD_ZERO)
		s->zero++;
	else if (policy == PFX_UFFD_COPY)
		s->copy++;
	else
		s->file++;
}

static void record_fault(struct pfx_uffd *u, const struct fault_msg *m,
			 enum pfx_uffd_policy policy, uint64_t t_done)
{
	struct pfx_rec_item item = { .type = PFX_REC_FAULT };
	struct pfx_fault *f = &item.fault;
	uint64_t lat = t_done - m->t_read;

	f->time_ns = since_t0(u, m->t_read);
	f->addr = m->page;
	f->pid = u->pid;
	f->tid = m->tid;
	/* 0 means "not measured" in the file: a served fault took time */
	f->latency_ns = lat > UINT32_MAX ? UINT32_MAX : lat ? (uint32_t)lat : 1;
	f->kind = policy == PFX_UFFD_FILE ? PFX_FAULT_MAJOR : PFX_FAULT_MINOR;
	f->access = PFX_ACCESS_KNOWN | (m->write ? PFX_ACCESS_WRITE : 0);
	u->stats.faults++;
	u->stats.writes += m->write;
	count_policy(&u->stats, policy);
	u->stats.latency_sum_ns += lat;
	if (lat > u->stats.latency_max_ns)
		u->stats.latency_max_ns = lat;
	write_thread_once(u, m->tid, f->time_ns);
	write_item(u, &item);
}

/* The fill failed: EEXIST/EAGAIN/ENOENT/ESRCH are part of the protocol
 * (see the top of this file).  Anything else would fail again on the
 * thread's next try, so the range goes back to the kernel (its pages
 * read as zeros) rather than spinning, and the error is kept. */
static void fill_failed(struct pfx_uffd *u, struct uffd_range *range, const struct fault_msg *m,
			int err)
{
	if (err == -EEXIST)
		u->stats.raced++;
	else if (err == -EAGAIN)
		u->stats.retried++;
	else if (err == -ENOENT || err == -ESRCH)
		u->stats.gone++;
	if (err == -ESRCH)
		return;
	if (err != -EEXIST && err != -EAGAIN && err != -ENOENT) {
		keep_error(u, err);
		range->active = false;
		unregister_range(u->uffd, range->start, range->end);
	}
	uffd_wake(u, m->page);
}

static struct uffd_range *find_range(struct pfx_uffd *u, uint64_t addr)
{
	for (size_t i = 0; i < u->nranges; i++)
		if (u->ranges[i].active && addr >= u->ranges[i].start && addr < u->ranges[i].end)
			return &u->ranges[i];
	return NULL;
}

/* The lock is held throughout: the range table may grow meanwhile, and
 * the bounce buffer and the counters are shared with nobody else. */
static void serve_fault(struct pfx_uffd *u, const struct fault_msg *m)
{
	struct uffd_range *range;
	int err;

	pthread_mutex_lock(&u->lock);
	range = find_range(u, m->page);
	if (!range) {
		u->stats.outside++;
		uffd_wake(u, m->page);
	} else if ((err = fill_page(u, range, m)) == 0) {
		record_fault(u, m, range->r.policy, pfx_now_ns());
	} else {
		fill_failed(u, range, m, err);
	}
	pthread_mutex_unlock(&u->lock);
}

/* ---- the handler thread ---------------------------------------------------- */

static void serve_message(struct pfx_uffd *u, const struct uffd_msg *msg, uint64_t t_read)
{
	struct fault_msg m;

	if (msg->event != UFFD_EVENT_PAGEFAULT)
		return;	/* none asked for; nothing to answer */
	m.t_read = t_read;
	m.page = msg->arg.pagefault.address & ~((uint64_t)u->page_size - 1);
	m.write = msg->arg.pagefault.flags & UFFD_PAGEFAULT_FLAG_WRITE;
	m.tid = u->features & PFX_UFFD_HAS_THREAD_ID ? msg->arg.pagefault.feat.ptid : 0;
	serve_fault(u, &m);
}

/* Read and serve messages until none is queued.  One read() takes every
 * queued message (up to a batch): a fault's latency starts when the read
 * returns, so it includes waiting behind the batch's earlier faults, as
 * its thread does.  0 or -errno. */
static int drain_messages(struct pfx_uffd *u)
{
	struct uffd_msg msgs[UFFD_READ_BATCH];

	for (;;) {
		ssize_t n = read(u->uffd, msgs, sizeof(msgs));
		uint64_t t_read = pfx_now_ns();

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (n == 0 || n % sizeof(msgs[0]))
			return -EIO;
		for (size_t i = 0; i < (size_t)n / sizeof(msgs[0]); i++)
			serve_message(u, &msgs[i], t_read);
	}
}

static void *handler_main(void *arg)
{
	struct pfx_uffd *u = arg;
	struct pollfd fds[2] = {
		{ .fd = u->uffd, .events = POLLIN },
		{ .fd = u->stop_fd, .events = POLLIN },
	};
	int err;

	while ((err = drain_messages(u)) == 0) {
		if (poll(fds, 2, -1) < 0 && errno != EINTR) {
			err = -errno;
			break;
		}
		if (fds[1].revents) {
			err = drain_messages(u);	/* faults already queued are served */
			break;
		}
	}
	if (err) {
		pthread_mutex_lock(&u->lock);
		keep_error(u, err);
		pthread_mutex_unlock(&u->lock);
	}
	return NULL;
}

/* The owner's signals go to the owner's threads, never to the handler. */
int pfx_uffd_start(struct pfx_uffd *u)
{
	sigset_t all, old;
	int err;

	if (u->started)
		return -EALREADY;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&u->thread, NULL, handler_main, u);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return -err;
	u->started = true;
	return 0;
}

/* ---- stopping ---------------------------------------------------------------- */

static void stop_handler(struct pfx_uffd *u)
{
	uint64_t one = 1;

	if (!u->started)
		return;
	while (write(u->stop_fd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
	pthread_join(u->thread, NULL);
	u->started = false;
}

static void unregister_all(struct pfx_uffd *u)
{
	for (size_t i = 0; i < u->nranges; i++) {
		if (u->ranges[i].active)
			unregister_range(u->uffd, u->ranges[i].start, u->ranges[i].end);
		u->ranges[i].active = false;
	}
}

static void stop(struct pfx_uffd *u, struct pfx_uffd_stats *stats)
{
	stop_handler(u);
	unregister_all(u);
	if (stats)
		*stats = u->stats;
}

int pfx_uffd_finish(struct pfx_uffd *u, struct pfx_uffd_stats *stats)
{
	struct pfx_rec_totals totals = { 0 };
	int err;

	stop(u, stats);
	totals.faults = u->stats.faults;
	totals.major = u->stats.file;
	totals.minor = u->stats.faults - u->stats.file;
	totals.duration_ns = since_t0(u, pfx_now_ns());
	err = u->err;
	if (err)
		pfx_rec_writer_abort(u->w);
	else
		err = pfx_rec_writer_close(u->w, &totals);
	free_uffd(u);
	return err;
}

void pfx_uffd_abort(struct pfx_uffd *u)
{
	stop(u, NULL);
	pfx_rec_writer_abort(u->w);
	free_uffd(u);
}
