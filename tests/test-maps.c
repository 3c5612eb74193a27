/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-maps: /proc/PID/maps lines parse, and every kind is classified. */
#include "config.h"
#include "maps.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define TEST_STOP_AT_FAILURE
#include "test.h"

int main(void)
{
	struct pfx_map_entry e, *v;
	size_t n;
	bool heap = false, stack = false, file = false;
	static int data_in_heap_check;

	CHECK(pfx_maps_parse_line("7f12a000-7f12c000 r-xp 00001000 08:01 131 /usr/lib/x 86.so\n", &e) == 0);
	CHECK(e.start == 0x7f12a000 && e.end == 0x7f12c000 && e.pgoff == 0x1000);
	CHECK(e.prot == (PROT_READ | PROT_EXEC) && e.flags == MAP_PRIVATE && e.inode == 131);
	CHECK(strcmp(e.path, "/usr/lib/x 86.so") == 0);
	CHECK(pfx_maps_parse_line("7f12a000-7f12c000 rw-s 00000000 00:01 5\n", &e) == 0);
	CHECK(e.path[0] == '\0' && e.flags == MAP_SHARED);
	/* the kernel's "\012" for a newline in a name is a newline again */
	CHECK(pfx_maps_parse_line("1000-2000 rw-s 0 0:1 5 /tmp/a\\012b\\012\n", &e) == 0);
	CHECK(strcmp(e.path, "/tmp/a\nb\n") == 0);
	CHECK(pfx_maps_parse_line("garbage", &e) < 0);
	CHECK(pfx_maps_parse_line("2000-1000 rw-p 0 0:0 0", &e) < 0);

	CHECK(pfx_map_classify("[heap]", MAP_PRIVATE) == PFX_MAP_HEAP);
	CHECK(pfx_map_classify("[stack]", MAP_PRIVATE) == PFX_MAP_STACK);
	CHECK(pfx_map_classify("[stack:42]", MAP_PRIVATE) == PFX_MAP_STACK);
	CHECK(pfx_map_classify("", MAP_PRIVATE) == PFX_MAP_ANON);
	CHECK(pfx_map_classify("//anon", MAP_PRIVATE) == PFX_MAP_ANON);
	CHECK(pfx_map_classify("[anon:malloc]", MAP_PRIVATE) == PFX_MAP_ANON);
	CHECK(pfx_map_classify("", MAP_SHARED) == PFX_MAP_SHM);
	CHECK(pfx_map_classify("/dev/zero (deleted)", MAP_SHARED) == PFX_MAP_SHM);
	CHECK(pfx_map_classify("/SYSV00000000 (deleted)", MAP_SHARED) == PFX_MAP_SHM);
	CHECK(pfx_map_classify("/memfd:x (deleted)", MAP_SHARED) == PFX_MAP_SHM);
	CHECK(pfx_map_classify("/dev/shm/x", MAP_SHARED) == PFX_MAP_SHM);
	CHECK(pfx_map_classify("/usr/lib/libc.so.6", MAP_PRIVATE) == PFX_MAP_FILE);
	CHECK(pfx_map_classify("[vdso]", MAP_PRIVATE) == PFX_MAP_VDSO);
	CHECK(pfx_map_classify("[vvar]", MAP_PRIVATE) == PFX_MAP_VDSO);
	CHECK(pfx_map_classify("[vsyscall]", MAP_PRIVATE) == PFX_MAP_VDSO);
	CHECK(pfx_map_classify("[uprobes]", MAP_PRIVATE) == PFX_MAP_OTHER);
	CHECK(strcmp(pfx_map_kind_name(PFX_MAP_SHM), "shm") == 0);

	/* Our own process: heap, stack and this binary.  The heap is grown
	 * with sbrk() rather than malloc(): sanitizer allocators use mmap. */
	if (sbrk(4096) == (void *)-1)
		CHECK(!"sbrk failed");
	(void)data_in_heap_check;
	CHECK(pfx_maps_read(getpid(), &v, &n) == 0 && n > 3);
	for (size_t i = 0; i < n; i++) {
		enum pfx_map_kind k = pfx_map_classify(v[i].path, v[i].flags);

		heap |= k == PFX_MAP_HEAP;
		stack |= k == PFX_MAP_STACK;
		file |= k == PFX_MAP_FILE && strstr(v[i].path, "test-maps");
		if (i)
			CHECK(v[i].start >= v[i - 1].end);
	}
	free(v);
	CHECK(heap && stack && file);
	CHECK(pfx_maps_read(999999999, &v, &n) == -ESRCH);
	printf("ok\n");
	return 0;
}
