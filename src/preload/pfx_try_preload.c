/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pfx_try_preload: the remedies of 'pfx try' applied from outside, built as
 * pfx-try-preload.so and loaded into the command by LD_PRELOAD.
 *
 * Configured by the environment pfx try sets in the command's exec
 * environment only:
 *   PFX_TRY_REMEDY    comma list: populate, hugepage, sequential, willneed, mlock
 *   PFX_TRY_MIN_SIZE  mappings below this many bytes are left alone
 *   PFX_TRY_TUNABLES  GLIBC_TUNABLES as it was before pfx try added to it
 *                     ("-": it was unset)
 * The constructor reads them and takes them out of its environ, with its
 * own LD_PRELOAD entry and the tunables pfx added, so the command's
 * children (and anything it execs) inherit none of it: the remedies
 * apply to the command's own process only.
 *
 * The mmap() wrapper sees the mmaps the program calls through libc's PLT;
 * glibc malloc's own mmaps are internal calls it never sees (hence the
 * tunable glibc.malloc.hugetlb for 'hugepage').  Nothing here prints: a
 * madvise() that fails leaves the mapping as the program asked for it.
 * Stand-alone: it includes nothing of pfx, links nothing but libc. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* below every readahead window we know of (128 KiB default ... 8 MiB) */
#define WILLNEED_STEP ((size_t)2 << 20)

static bool populate, hugepage, sequential, willneed;
static size_t min_size = 2u << 20;

static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* The environment is edited on environ itself, never through getenv,
 * setenv or unsetenv: a program may define its own (bash does, and at
 * this point its own know nothing yet), and the copy main() receives is
 * this same array. */
extern char **environ;

static char **find(const char *name)
{
	size_t n = strlen(name);

	for (char **e = environ; e && *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return e;
	return NULL;
}

static const char *value(const char *name)
{
	char **e = find(name);

	return e ? *e + strlen(name) + 1 : NULL;
}

static void drop(char **e)
{
	if (!e)
		return;
	do
		e[0] = e[1];
	while (*e++);
}

/* Remove the entry of LD_PRELOAD that names this library (any path ending
 * in pfx-try-preload.so), in place; drop the variable when nothing is left. */
static void drop_own_preload(void)
{
	static const char me[] = "pfx-try-preload.so";
	char **e = find("LD_PRELOAD");
	char *v, *out, *p;

	if (!e)
		return;
	out = p = v = *e + sizeof("LD_PRELOAD=") - 1;
	while (*p) {
		size_t len = strcspn(p, ": ");
		bool mine = len >= sizeof(me) - 1 && strncmp(p + len - (sizeof(me) - 1), me, sizeof(me) - 1) == 0;

		if (!mine) {
			if (out != v)
				*out++ = ':';
			memmove(out, p, len);
			out += len;
		}
		p += len;
		p += strspn(p, ": ");
	}
	*out = '\0';
	if (!*v)
		drop(e);
}

__attribute__((constructor)) static void pfx_try_preload_init(void)
{
	const char *remedy = value("PFX_TRY_REMEDY");
	const char *size = value("PFX_TRY_MIN_SIZE");
	char **tunables = find("PFX_TRY_TUNABLES");

	if (remedy) {
		populate = has_word(remedy, "populate");
		hugepage = has_word(remedy, "hugepage");
		sequential = has_word(remedy, "sequential");
		willneed = has_word(remedy, "willneed");
		if (has_word(remedy, "mlock"))
			mlockall(MCL_CURRENT | MCL_FUTURE);
	}
	if (size && *size)
		min_size = strtoull(size, NULL, 10);
	/* ld.so read GLIBC_TUNABLES before this ran: put back what it was.
	 * "PFX_TRY_TUNABLES=OLD" becomes "GLIBC_TUNABLES=OLD" in place (the
	 * name is two bytes shorter), nothing to allocate. */
	if (tunables) {
		char *t = *tunables;

		if (strcmp(t + sizeof("PFX_TRY_TUNABLES=") - 1, "-") == 0) {
			drop(tunables);
			drop(find("GLIBC_TUNABLES"));
		} else {
			char **g = find("GLIBC_TUNABLES");

			memcpy(t + 2, "GLIBC_TUNABLES=", sizeof("GLIBC_TUNABLES=") - 1);
			if (g) {
				*g = t + 2;
				drop(tunables);
			} else {
				*tunables = t + 2;
			}
		}
	}
	drop(find("PFX_TRY_REMEDY"));
	drop(find("PFX_TRY_MIN_SIZE"));
	drop_own_preload();
}

static void advise(void *addr, size_t len, int prot, int flags)
{
	if (len < min_size)
		return;
	if (flags & MAP_ANONYMOUS) {
		/* huge pages first: a populate after it fills huge pages */
		if (hugepage)
			madvise(addr, len, MADV_HUGEPAGE);
		if (populate && (prot & PROT_WRITE))
			madvise(addr, len, MADV_POPULATE_WRITE);
		return;
	}
	if (sequential)
		madvise(addr, len, MADV_SEQUENTIAL);
	/* The kernel reads at most the readahead window (ra_pages, or the
	 * device's io_pages) per MADV_WILLNEED call, from its start: 8 MiB
	 * of a 256 MiB file here.  Step through the mapping so all of it is
	 * asked for, as the advice means. */
	if (willneed)
		for (size_t off = 0; off < len; off += WILLNEED_STEP)
			madvise((char *)addr + off, len - off < WILLNEED_STEP ? len - off : WILLNEED_STEP,
				MADV_WILLNEED);
}

/* The system call itself, not dlsym(RTLD_NEXT): dlsym may allocate, and
 * an allocator's mmap would come back here before it returned. */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	long r = syscall(SYS_mmap, addr, len, prot, flags, fd, off);

	if (r < 0 && r > -4096)
		return MAP_FAILED;	/* syscall() has set errno */
	advise((void *)r, len, prot, flags);
	return (void *)r;
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
	__attribute__((alias("mmap")));
