/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-symbols: the ELF symbol reader names this program's own functions
 * (checked against the addresses the compiler gave them), and damaged
 * copies of a real ELF file (cut short, bytes flipped) give errors or
 * names, never a crash or a read out of bounds (run it under ASan), and a
 * crafted file of 500,000 symbols at one address is looked up quickly
 * (every lookup went through all the aliases). */
#include "config.h"
#include "symbols.h"
#include "maps.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

int main(void);
__attribute__((noinline)) int probe_function(int x);
__attribute__((noinline)) int probe_function(int x)
{
	return x * 3 + 1;
}

/* The file and file offset of a code address of this process. */
static int locate(uint64_t addr, char *path, size_t size, uint64_t *offset)
{
	struct pfx_map_entry *maps;
	size_t n;
	int err = pfx_maps_read(getpid(), &maps, &n);

	if (err < 0)
		return err;
	err = -ENOENT;
	for (size_t i = 0; i < n; i++) {
		if (addr >= maps[i].start && addr < maps[i].end && maps[i].path[0] == '/') {
			snprintf(path, size, "%s", maps[i].path);
			*offset = addr - maps[i].start + maps[i].pgoff;
			err = 0;
		}
	}
	free(maps);
	return err;
}

static void test_own_functions(char *exe, size_t size, uint64_t *probe_offset)
{
	struct pfx_symbols *syms = pfx_symbols_new();
	const char *name = NULL;
	uint64_t off = 0, at;

	CHECK(syms, "out of memory");
	CHECK(locate((uint64_t)(uintptr_t)probe_function, exe, size, &at) == 0,
	      "probe_function is in no file mapping");
	*probe_offset = at;
	CHECK(pfx_symbols_lookup(syms, exe, at, &name, &off) == 0 && name &&
	      strcmp(name, "probe_function") == 0 && off == 0,
	      "start of probe_function named %s+%llu", name ? name : "(none)", (unsigned long long)off);
	CHECK(pfx_symbols_lookup(syms, exe, at + 3, &name, &off) == 0 && off == 3 &&
	      strcmp(name, "probe_function") == 0, "inside probe_function: %s+%llu",
	      name ? name : "(none)", (unsigned long long)off);
	CHECK(locate((uint64_t)(uintptr_t)main, exe, size, &at) == 0, "main is in no file mapping");
	CHECK(pfx_symbols_lookup(syms, exe, at, &name, &off) == 0 && strcmp(name, "main") == 0 &&
	      off == 0, "main named %s", name ? name : "(none)");
	/* no function at offset 0 (the ELF header) */
	CHECK(pfx_symbols_lookup(syms, exe, 0, &name, &off) == -ENOENT, "a function at offset 0");
	CHECK(pfx_symbols_lookup(syms, "/nonexistent/file", 0x1000, &name, &off) == -ENOENT,
	      "a missing file is not -ENOENT");
	CHECK(pfx_symbols_lookup(syms, "/proc/self/status", 0x10, &name, &off) == -ENOEXEC,
	      "a non-ELF file is not -ENOEXEC");
	{	/* a FIFO where a mapped file was: refused at once, not waited on */
		char fifo[] = "/tmp/test-symbols-fifo.XXXXXX";
		int fd = mkstemp(fifo);

		if (fd >= 0) {
			close(fd);
			unlink(fifo);
			if (mkfifo(fifo, 0600) == 0) {
				CHECK(pfx_symbols_lookup(syms, fifo, 0x10, &name, &off) == -ENOEXEC,
				      "a FIFO is not -ENOEXEC");
				unlink(fifo);
			}
		}
	}
	/* a second lookup in a failed file is remembered, not retried */
	CHECK(pfx_symbols_lookup(syms, "/nonexistent/file", 0x2000, &name, &off) == -ENOENT,
	      "second lookup in a missing file");
	pfx_symbols_free(syms);
}

static unsigned char *read_whole(const char *path, size_t *size)
{
	struct stat st;
	unsigned char *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	buf = malloc((size_t)st.st_size);
	if (buf && read(fd, buf, (size_t)st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	*size = (size_t)st.st_size;
	return buf;
}

static int write_copy(const char *path, const unsigned char *buf, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	int ok = fd >= 0 && write(fd, buf, size) == (ssize_t)size;

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

/* One damaged copy: load it fresh and look up a few offsets. */
static void try_copy(const char *path, uint64_t probe_offset)
{
	static const uint64_t offsets[] = { 0, 0x40, 0x1000, 0x10000 };
	struct pfx_symbols *syms = pfx_symbols_new();
	const char *name;
	uint64_t off;

	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++)
		pfx_symbols_lookup(syms, path, offsets[i], &name, &off);
	if (pfx_symbols_lookup(syms, path, probe_offset, &name, &off) == 0)
		CHECK(strlen(name) < 4096, "a name runs on");
	pfx_symbols_free(syms);
}

static void test_damaged(const char *exe, uint64_t probe_offset)
{
	char path[] = "/tmp/test-symbols.XXXXXX";
	int fd = mkstemp(path);
	size_t size;
	unsigned char *orig = read_whole(exe, &size), *copy;
	unsigned seed = 12345;

	CHECK(fd >= 0 && orig, "cannot copy %s", exe);
	if (fd < 0 || !orig)
		return;
	close(fd);
	copy = malloc(size);
	/* cut short: at every 1/97th of the file and around the header */
	for (size_t cut = 0; cut < size; cut += size / 97 + 1) {
		if (write_copy(path, orig, cut) == 0)
			try_copy(path, probe_offset);
	}
	for (size_t cut = 0; cut < 256 && cut < size; cut += 7)
		if (write_copy(path, orig, cut) == 0)
			try_copy(path, probe_offset);
	/* bytes flipped in the ELF header, the program headers and the section
	 * headers at the end of the file (where sizes and offsets live) */
	for (unsigned round = 0; round < 400 && copy; round++) {
		memcpy(copy, orig, size);
		for (unsigned k = 0; k < 4; k++) {
			size_t at;

			seed = seed * 1103515245u + 12345u;
			at = (seed >> 8) % 1024;
			if (round % 2)
				at = size - 1 - at % (size < 4096 ? size : 4096);
			copy[at % size] ^= (unsigned char)(1u << ((seed >> 4) & 7));
		}
		if (write_copy(path, copy, size) == 0)
			try_copy(path, probe_offset);
	}
	unlink(path);
	free(copy);
	free(orig);
}

/* An ELF file whose .symtab holds n functions at one address (size 16,
 * named "a"), one of them larger (size 32, "big"): the one to name. */
static int write_aliases(const char *path, size_t n)
{
	const uint64_t vaddr = 0x400000, at = 0x1000;
	static const char strtab[] = "\0a\0big\0\0.symtab\0.strtab\0.shstrtab";
	size_t sym_off = 4096, str_off = sym_off + (n + 1) * sizeof(Elf64_Sym);
	size_t sh_off = (str_off + sizeof(strtab) + 7) & ~(size_t)7;
	size_t size = sh_off + 4 * sizeof(Elf64_Shdr);
	unsigned char *buf = calloc(1, size);
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Phdr *ph = (Elf64_Phdr *)(buf + sizeof(*eh));
	Elf64_Sym *sym = (Elf64_Sym *)(buf + sym_off);
	Elf64_Shdr *sh = (Elf64_Shdr *)(buf + sh_off);
	int err;

	if (!buf)
		return -1;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	eh->e_shoff = sh_off;
	eh->e_shentsize = sizeof(*sh);
	eh->e_shnum = 4;
	eh->e_shstrndx = 3;
	*ph = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = 0, .p_vaddr = vaddr, .p_filesz = size,
			    .p_memsz = size, .p_flags = PF_R | PF_X };
	for (size_t i = 1; i <= n; i++)
		sym[i] = (Elf64_Sym){ .st_name = i == n / 2 ? 3 : 1,
				      .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC), .st_shndx = 1,
				      .st_value = vaddr + at, .st_size = i == n / 2 ? 32 : 16 };
	memcpy(buf + str_off, strtab, sizeof(strtab));
	sh[1] = (Elf64_Shdr){ .sh_name = 8, .sh_type = SHT_SYMTAB, .sh_offset = sym_off,
			      .sh_size = (n + 1) * sizeof(Elf64_Sym), .sh_link = 2,
			      .sh_entsize = sizeof(Elf64_Sym) };
	sh[2] = (Elf64_Shdr){ .sh_name = 16, .sh_type = SHT_STRTAB, .sh_offset = str_off,
			      .sh_size = sizeof(strtab) };
	sh[3] = (Elf64_Shdr){ .sh_name = 24, .sh_type = SHT_STRTAB, .sh_offset = str_off,
			      .sh_size = sizeof(strtab) };
	err = write_copy(path, buf, size);
	free(buf);
	return err;
}

static void test_aliases(void)
{
	char path[] = "/tmp/test-symbols-aliases.XXXXXX";
	struct pfx_symbols *syms = pfx_symbols_new();
	int fd = mkstemp(path), named = 0;
	const char *name = NULL;
	uint64_t off = 0;
	clock_t t0;
	double s;

	CHECK(fd >= 0 && syms, "cannot make %s", path);
	if (fd < 0 || !syms)
		return;
	close(fd);
	CHECK(write_aliases(path, 500000) == 0, "cannot write %s", path);
	t0 = clock();
	for (unsigned k = 0; k < 20000; k++)
		named += pfx_symbols_lookup(syms, path, 0x1000 + k % 32, &name, &off) == 0 &&
			 strcmp(name, "big") == 0 && off == k % 32;
	s = (double)(clock() - t0) / CLOCKS_PER_SEC;
	CHECK(named == 20000, "%d of 20000 lookups named big+offset", named);
	CHECK(s < 2.0, "20000 lookups among 500000 aliases took %.2f s of CPU", s);
	printf("# 20000 lookups among 500000 aliases: %.3f s of CPU\n", s);
	unlink(path);
	pfx_symbols_free(syms);
}

int main(void)
{
	char exe[4096];
	uint64_t probe_offset = 0;

	test_own_functions(exe, sizeof(exe), &probe_offset);
	if (!failures)
		test_damaged(exe, probe_offset);
	test_aliases();
	if (failures) {
		fprintf(stderr, "%d failures\n", failures);
		return 1;
	}
	printf("ok (probe_function at file offset 0x%llx)\n", (unsigned long long)probe_offset);
	return 0;
}
