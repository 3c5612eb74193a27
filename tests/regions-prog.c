/* SPDX-License-Identifier: GPL-2.0-or-later */
/* regions-prog: touch a malloc'ed block (from the brk heap), a deep stack
 * and a mapped file, then print where they are, so t-record-names can
 * check that 'pfx report' names each region right.
 * Usage: regions-prog FILE   (FILE is created, 1 MiB) */
#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HEAP_BYTES (4 << 20)
#define STACK_BYTES (2 << 20)
#define FILE_BYTES (1 << 20)

/* Sanitizer builds replace malloc: the block is then not in [heap]. */
#if defined(__SANITIZE_ADDRESS__)
#define MALLOC_KIND "sanitizer"
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MALLOC_KIND "sanitizer"
#endif
#endif
#ifndef MALLOC_KIND
#define MALLOC_KIND "libc"
#endif

static uintptr_t deepest;

/* Recurse with a page-sized frame so each level touches a new stack page. */
static int dive(int depth)
{
	volatile char frame[4096];

	frame[0] = (char)depth;
	frame[4095] = (char)depth;
	deepest = (uintptr_t)frame;
	if (depth <= 0)
		return frame[0];
	return dive(depth - 1) + frame[4095];
}

int main(int argc, char **argv)
{
	char *heap, *map;
	long page = sysconf(_SC_PAGESIZE);
	volatile char sum = 0;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: regions-prog FILE\n");
		return 2;
	}
	/* Keep the big block in the brk heap instead of its own mmap. */
	mallopt(M_MMAP_THRESHOLD, 256 << 20);
	heap = malloc(HEAP_BYTES);
	if (!heap)
		return 1;
	for (long i = 0; i < HEAP_BYTES; i += page)
		heap[i] = 1;
	dive(STACK_BYTES / 4096);
	fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, FILE_BYTES) < 0)
		return 1;
	map = mmap(NULL, FILE_BYTES, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return 1;
	for (long i = 0; i < FILE_BYTES; i += page)
		sum += map[i];
	printf("regions-prog: heap=%p stack=0x%lx file=%p malloc=%s\n", (void *)heap,
	       (unsigned long)deepest, (void *)map, MALLOC_KIND);
	munmap(map, FILE_BYTES);
	close(fd);
	free(heap);
	return sum;
}
