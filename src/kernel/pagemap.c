/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pagemap: ranged reads of /proc/PID/pagemap and /proc/kpageflags. */
#include "config.h"
#include "pagemap.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* One pread moves at most this much: the kernel caps a read near 2 GiB
 * and a bounded size keeps a single call short. */
#define PAGEMAP_MAX_READ (8u << 20)

int pfx_pagemap_read_entries(int fd, uint64_t first, size_t count, uint64_t *out)
{
	char *dst = (char *)out;
	size_t left = count * sizeof(uint64_t);
	uint64_t offset = first * sizeof(uint64_t);

	if (first > (uint64_t)LLONG_MAX / sizeof(uint64_t))
		return -EINVAL;
	while (left) {
		size_t want = left < PAGEMAP_MAX_READ ? left : PAGEMAP_MAX_READ;
		ssize_t n = pread(fd, dst, want, (off_t)offset);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0) {
			/* Past the end (a fixture file, or beyond max PFN): nothing there. */
			memset(dst, 0, left);
			return 0;
		}
		dst += n;
		left -= (size_t)n;
		offset += (uint64_t)n;
	}
	return 0;
}

int pfx_pagemap_zero_pfn(uint64_t *pfn)
{
	long page_size = sysconf(_SC_PAGESIZE);
	volatile char *page;
	uint64_t entry = 0;
	int fd, err;

	page = mmap(NULL, (size_t)page_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return -errno;
	(void)page[0];	/* a read fault maps the zero page */
	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	err = fd < 0 ? -errno : pfx_pagemap_read_entries(fd, (uintptr_t)page / (uint64_t)page_size, 1, &entry);
	if (fd >= 0)
		close(fd);
	munmap((void *)page, (size_t)page_size);
	if (err)
		return err;
	if (!(entry & PFX_PM_PRESENT) || pfx_pm_pfn(entry) == 0)
		return -EPERM;
	*pfn = pfx_pm_pfn(entry);
	return 0;
}

int pfx_pagemap_softdirty_probe(const char *root)
{
	long page_size = sysconf(_SC_PAGESIZE);
	volatile char *page = NULL;
	uint64_t vpn = 0, entry = 0;
	int fd, err;

	/* A fixture tree answers with entry 0 of its proc/self/pagemap. */
	if (!root || !*root) {
		page = mmap(NULL, (size_t)page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (page == MAP_FAILED)
			return -errno;
		page[0] = 1;
		vpn = (uintptr_t)page / (uint64_t)page_size;
	}
	fd = pfx_open_under_root(root, O_RDONLY | O_CLOEXEC, "/proc/self/pagemap");
	err = fd < 0 ? fd : pfx_pagemap_read_entries(fd, vpn, 1, &entry);
	if (fd >= 0)
		close(fd);
	if (page)
		munmap((void *)page, (size_t)page_size);
	if (err)
		return err;
	return (entry & PFX_PM_SOFT_DIRTY) ? 1 : 0;
}
