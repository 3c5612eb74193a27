/* SPDX-License-Identifier: GPL-2.0-or-later */
/* symbols: ELF symbol tables read with pread and bounds checks (no
 * libelf: the format parts needed are few and fixed by the ELF spec).
 * See symbols.h. */
#include "config.h"
#include "symbols.h"
#include "demangle.h"
#include "strset.h"
#include "u64map.h"
#include "util.h"

#include <elf.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_TABLE_BYTES (256u << 20)	/* a symbol or string table larger than this is refused */
/* Paths come from a recording, which anyone may have written: what is
 * read is capped per file and in all (hard links to one huge sparse ELF
 * cost 2.36 GB before), and each file (dev, inode) is read once. */
#define MAX_FILE_BYTES (128ull << 20)	/* symbol + string table of one file */
#define MAX_TOTAL_BYTES (512ull << 20)	/* of all files of a report */
/* Separate debug info, where distributions install it (libc6-dbg and the
 * -dbgsym packages): by build id, else by .gnu_debuglink's name. */
#define DEBUG_ROOT "/usr/lib/debug"
#define MAX_NOTE_BYTES 4096		/* a build-id note section larger than this is not one */
#define MAX_NOTE_SECTIONS 64		/* note sections read for a build id */
#define MAX_SEGMENTS 64			/* PT_LOAD headers of an image (real ones: 2 to 6) */

#if __BYTE_ORDER == __LITTLE_ENDIAN
#define HOST_ELFDATA ELFDATA2LSB
#else
#define HOST_ELFDATA ELFDATA2MSB
#endif

struct segment {		/* a PT_LOAD: where file bytes land in the image */
	uint64_t offset, vaddr, filesz;
};

struct symbol {
	uint64_t start, size;
	const char *name;	/* into the table's strings */
	bool global;		/* STB_GLOBAL or STB_WEAK: the name callers use */
};

struct symtab {
	struct segment *segments;
	size_t nsegments;
	struct symbol *symbols;	/* by start */
	size_t nsymbols;
	char *strings;		/* the string table, NUL-terminated */
};

struct file_entry {
	const char *path;	/* in paths */
	struct symtab *tab;	/* NULL: the file could not be read */
	int err;
	bool shared;		/* tab is another entry's (same dev, inode) */
	dev_t dev;
	ino_t ino;
};

/* Files are found by path (a strset: index i is files[i]) and tables
 * by (dev, inode) in hashes: a search through the files was quadratic
 * (a recording naming 20,000 files took 0.75 s, 200,000 over a minute). */
struct pfx_symbols {
	struct pfx_strset paths;
	struct pfx_u64map by_inode;	/* hash of (dev, inode) -> index + 1 of the file read */
	struct file_entry *files;
	size_t nfiles, cap;
	const char *last_path;	/* the last lookup's path as passed (a report's are */
	size_t last;		/* interned: the frames of one file pass one pointer) */
	uint64_t budget;	/* table bytes still allowed: MAX_TOTAL_BYTES at first */
	struct pfx_demangler *demangled;	/* C++ and Rust names as shown (NULL: mangled) */
};

/* Read size bytes at offset, all of them or fail; the range must lie in the file. */
static int read_at(int fd, uint64_t file_size, uint64_t offset, void *buf, uint64_t size)
{
	uint64_t done = 0;

	if (offset > file_size || size > file_size - offset)
		return -EINVAL;
	while (done < size) {
		ssize_t n = pread(fd, (char *)buf + done, size - done, (off_t)(offset + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EINVAL;
		done += (uint64_t)n;
	}
	return 0;
}

/* Allocate and read a table of count entries of entsize bytes. */
static int read_table(int fd, uint64_t file_size, uint64_t offset, uint64_t count,
		      uint64_t entsize, void **out)
{
	void *buf;
	int err;

	if (count == 0 || count > MAX_TABLE_BYTES / entsize)
		return -EINVAL;
	buf = malloc(count * entsize);
	if (!buf)
		return -ENOMEM;
	err = read_at(fd, file_size, offset, buf, count * entsize);
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	return 0;
}

static int read_ehdr(int fd, uint64_t file_size, Elf64_Ehdr *eh)
{
	if (read_at(fd, file_size, 0, eh, sizeof(*eh)) < 0 ||
	    memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != HOST_ELFDATA ||
	    eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_phentsize != sizeof(Elf64_Phdr))
		return -ENOEXEC;
	return 0;
}

static int load_segments(int fd, uint64_t file_size, const Elf64_Ehdr *eh, struct symtab *t)
{
	Elf64_Phdr *ph;
	int err = read_table(fd, file_size, eh->e_phoff, eh->e_phnum, sizeof(*ph), (void **)&ph);

	if (err)
		return err;
	t->segments = calloc(eh->e_phnum, sizeof(*t->segments));
	if (!t->segments) {
		free(ph);
		return -ENOMEM;
	}
	for (size_t i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD)
			t->segments[t->nsegments++] = (struct segment){
				ph[i].p_offset, ph[i].p_vaddr, ph[i].p_filesz };
	free(ph);
	/* every lookup goes through them: a real image has a few */
	return t->nsegments && t->nsegments <= MAX_SEGMENTS ? 0 : -ENOEXEC;
}

/* The symbol table to use: .symtab (every function) over .dynsym
 * (exported ones; what stripped libraries keep). */
static const Elf64_Shdr *pick_symtab(const Elf64_Shdr *sh, size_t n)
{
	const Elf64_Shdr *dyn = NULL;

	for (size_t i = 0; i < n; i++) {
		if (sh[i].sh_type == SHT_SYMTAB && sh[i].sh_link < n)
			return &sh[i];
		if (sh[i].sh_type == SHT_DYNSYM && sh[i].sh_link < n && !dyn)
			dyn = &sh[i];
	}
	return dyn;
}

static bool is_function(const Elf64_Sym *s)
{
	unsigned type = ELF64_ST_TYPE(s->st_info);

	return (type == STT_FUNC || type == STT_GNU_IFUNC) && s->st_shndx != SHN_UNDEF &&
	       s->st_value != 0;
}

/* By start; aliases (same start) are sorted out by symbol_at(). */
static int cmp_symbols(const void *a, const void *b)
{
	const struct symbol *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->global != y->global)	/* the same order on every run */
		return x->global ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* One symbol per start: of aliases (same start), the sized one decides,
 * then a global one (__libc_start_main over __libc_start_main_impl).
 * Chosen once here, not at each lookup: a file may hold millions of
 * symbols at one address, and every lookup went through them all. */
static void keep_one_alias(struct symtab *t)
{
	size_t out = 0;

	for (size_t i = 0; i < t->nsymbols;) {
		size_t j = i;
		const struct symbol *s;

		while (j + 1 < t->nsymbols && t->symbols[j + 1].start == t->symbols[i].start)
			j++;
		s = &t->symbols[j];
		for (size_t k = j; k > i; k--) {
			const struct symbol *alias = &t->symbols[k - 1];

			if (alias->size > s->size || (alias->size == s->size && alias->global && !s->global))
				s = alias;
		}
		t->symbols[out++] = *s;
		i = j + 1;
	}
	t->nsymbols = out;
}

/* The section headers: 0, or -errno when they cannot be read. */
static int read_sections(int fd, uint64_t file_size, const Elf64_Ehdr *eh, Elf64_Shdr **sh)
{
	if (eh->e_shnum == 0)
		return -ENOENT;
	return read_table(fd, file_size, eh->e_shoff, eh->e_shnum, sizeof(**sh), (void **)sh);
}

static int load_symbols(int fd, uint64_t file_size, const Elf64_Ehdr *eh, struct symtab *t,
			uint64_t *budget)
{
	Elf64_Shdr *sh;
	Elf64_Sym *syms = NULL;
	const Elf64_Shdr *st, *str;
	uint64_t nsyms;
	int err;

	err = read_sections(fd, file_size, eh, &sh);
	if (err)
		return err;
	st = pick_symtab(sh, eh->e_shnum);
	if (!st || st->sh_entsize != sizeof(Elf64_Sym)) {
		free(sh);
		return -ENOENT;
	}
	str = &sh[st->sh_link];
	if (st->sh_size > MAX_FILE_BYTES || str->sh_size > MAX_FILE_BYTES - st->sh_size ||
	    st->sh_size + str->sh_size > *budget) {
		free(sh);
		return -EFBIG;
	}
	*budget -= st->sh_size + str->sh_size;
	nsyms = st->sh_size / sizeof(Elf64_Sym);
	err = read_table(fd, file_size, st->sh_offset, nsyms, sizeof(*syms), (void **)&syms);
	if (!err && (str->sh_size == 0 || str->sh_size >= MAX_TABLE_BYTES))
		err = -EINVAL;
	if (!err && !(t->strings = malloc(str->sh_size + 1)))
		err = -ENOMEM;
	if (!err)
		err = read_at(fd, file_size, str->sh_offset, t->strings, str->sh_size);
	if (!err)
		t->strings[str->sh_size] = '\0';
	if (!err && !(t->symbols = calloc(nsyms, sizeof(*t->symbols))))
		err = -ENOMEM;
	for (uint64_t i = 0; !err && i < nsyms; i++) {
		if (!is_function(&syms[i]) || syms[i].st_name >= str->sh_size)
			continue;
		char *name = t->strings + syms[i].st_name, *at = strchr(name, '@');

		/* A versioned name (a debug file's .symtab: __libc_start_main@@GLIBC_2.34)
		 * is shown as the name callers write.  Cut in place: a string a
		 * shorter name shares (its tail) is cut the same or not at all. */
		if (at && at != name)
			*at = '\0';
		t->symbols[t->nsymbols++] = (struct symbol){ syms[i].st_value, syms[i].st_size, name,
			ELF64_ST_BIND(syms[i].st_info) != STB_LOCAL };
	}
	free(syms);
	free(sh);
	if (err)
		return err;
	qsort(t->symbols, t->nsymbols, sizeof(*t->symbols), cmp_symbols);
	keep_one_alias(t);
	return 0;
}

static void symtab_free(struct symtab *t)
{
	if (!t)
		return;
	free(t->segments);
	free(t->symbols);
	free(t->strings);
	free(t);
}

static void to_hex(const unsigned char *v, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[v[i] >> 4];
		out[2 * i + 1] = digits[v[i] & 15];
	}
	out[2 * n] = '\0';
}

/* DEBUG_ROOT/.build-id/xx/yyyy.debug from a NT_GNU_BUILD_ID note. */
static bool build_id_path(int fd, uint64_t file_size, const Elf64_Shdr *sh, size_t n, char *out,
			  size_t size)
{
	unsigned notes = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char note[MAX_NOTE_BYTES];
		uint64_t at = 0, len = sh[i].sh_size;

		if (sh[i].sh_type != SHT_NOTE)
			continue;
		if (++notes > MAX_NOTE_SECTIONS)
			break;	/* 65,535 of them read 4 KiB each: 256 MB per file */
		if (len > sizeof(note) || read_at(fd, file_size, sh[i].sh_offset, note, len) < 0)
			continue;
		while (len - at >= sizeof(Elf64_Nhdr)) {
			Elf64_Nhdr nh;
			uint64_t name_at = at + sizeof(nh), desc_at, next;

			memcpy(&nh, note + at, sizeof(nh));
			desc_at = name_at + ((nh.n_namesz + 3ull) & ~3ull);
			next = desc_at + ((nh.n_descsz + 3ull) & ~3ull);
			if (next > len)
				break;
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    memcmp(note + name_at, "GNU", 4) == 0 && nh.n_descsz >= 2 && nh.n_descsz <= 64) {
				char hex[129];

				to_hex(note + desc_at, nh.n_descsz, hex);
				return snprintf(out, size, DEBUG_ROOT "/.build-id/%.2s/%s.debug", hex, hex + 2) <
				       (int)size;
			}
			at = next;
		}
	}
	return false;
}

/* DEBUG_ROOT/DIR/NAME from .gnu_debuglink's NAME, DIR the file's own. */
static bool debuglink_path(int fd, uint64_t file_size, const Elf64_Ehdr *eh, const Elf64_Shdr *sh,
			   const char *path, char *out, size_t size)
{
	const Elf64_Shdr *names;
	const char *slash = strrchr(path, '/');
	char name[256];

	if (eh->e_shstrndx >= eh->e_shnum || !slash)
		return false;
	names = &sh[eh->e_shstrndx];
	for (size_t i = 0; i < eh->e_shnum; i++) {
		char sname[16];

		if (sh[i].sh_name >= names->sh_size || names->sh_size - sh[i].sh_name < sizeof(sname) ||
		    read_at(fd, file_size, names->sh_offset + sh[i].sh_name, sname, sizeof(sname)) < 0 ||
		    memcmp(sname, ".gnu_debuglink", 15) != 0)
			continue;
		if (sh[i].sh_size < 2 || read_at(fd, file_size, sh[i].sh_offset, name,
						  sh[i].sh_size < sizeof(name) ? sh[i].sh_size : sizeof(name)) < 0)
			return false;
		name[sizeof(name) - 1] = '\0';
		if (!name[0] || strchr(name, '/'))
			return false;	/* a file name, never a path */
		return snprintf(out, size, DEBUG_ROOT "%.*s/%s", (int)(slash - path), path, name) < (int)size;
	}
	return false;
}

/* The symbols of a stripped file from its separate debug file, whose
 * .symtab has the addresses of the same image. */
static int load_debug_symbols(int fd, uint64_t file_size, const Elf64_Ehdr *eh, const char *path,
			      struct symtab *t, uint64_t *budget)
{
	char debug[4096];
	Elf64_Shdr *sh;
	bool found = false;
	int err = read_sections(fd, file_size, eh, &sh);

	if (err)
		return err;
	for (size_t i = 0; i < eh->e_shnum; i++)
		if (sh[i].sh_type == SHT_SYMTAB) {
			free(sh);
			return -EEXIST;		/* not stripped: its own table */
		}
	for (int way = 0; way < 2 && !found; way++) {
		struct stat st;
		Elf64_Ehdr deh;
		int dfd;

		if (!(way == 0 ? build_id_path(fd, file_size, sh, eh->e_shnum, debug, sizeof(debug))
			       : debuglink_path(fd, file_size, eh, sh, path, debug, sizeof(debug))))
			continue;
		dfd = pfx_open_regular(debug, &st);
		if (dfd < 0)
			continue;
		found = read_ehdr(dfd, (uint64_t)st.st_size, &deh) == 0 &&
			load_symbols(dfd, (uint64_t)st.st_size, &deh, t, budget) == 0;
		close(dfd);
	}
	free(sh);
	return found ? 0 : -ENOENT;
}

static int symtab_load(int fd, const struct stat *sb, const char *path, uint64_t *budget,
		       struct symtab **out)
{
	struct symtab *t;
	struct stat st = *sb;
	Elf64_Ehdr eh;
	int err;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	err = read_ehdr(fd, (uint64_t)st.st_size, &eh);
	if (!err)
		err = load_segments(fd, (uint64_t)st.st_size, &eh, t);
	if (!err && load_debug_symbols(fd, (uint64_t)st.st_size, &eh, path, t, budget) < 0)
		err = load_symbols(fd, (uint64_t)st.st_size, &eh, t, budget);
	if (err) {
		symtab_free(t);
		return err;
	}
	*out = t;
	return 0;
}

/* The image address of a file offset: through the PT_LOAD holding it. */
static bool offset_to_vaddr(const struct symtab *t, uint64_t offset, uint64_t *vaddr)
{
	for (size_t i = 0; i < t->nsegments; i++) {
		const struct segment *s = &t->segments[i];

		if (offset >= s->offset && offset - s->offset < s->filesz) {
			*vaddr = offset - s->offset + s->vaddr;
			return true;
		}
	}
	return false;
}

/* The last symbol starting at or before vaddr that still holds it; a
 * symbol of size 0 (hand-written assembly) holds up to the next one. */
static const struct symbol *symbol_at(const struct symtab *t, uint64_t vaddr)
{
	size_t lo = 0, hi = t->nsymbols;
	const struct symbol *s;

	while (lo < hi) {	/* first symbol starting after vaddr */
		size_t mid = lo + (hi - lo) / 2;

		if (t->symbols[mid].start <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	s = &t->symbols[lo - 1];	/* one per start: keep_one_alias() */
	if (s->size ? vaddr - s->start < s->size : true)
		return s;
	return NULL;
}

struct pfx_symbols *pfx_symbols_new(void)
{
	struct pfx_symbols *syms = calloc(1, sizeof(struct pfx_symbols));

	if (!syms)
		return NULL;
	if (pfx_strset_init(&syms->paths) < 0) {
		free(syms);
		return NULL;
	}
	if (pfx_u64map_init(&syms->by_inode, sizeof(uint64_t)) < 0) {
		pfx_strset_free(&syms->paths);
		free(syms);
		return NULL;
	}
	syms->budget = MAX_TOTAL_BYTES;
	syms->demangled = pfx_demangle_new();	/* NULL: names stay mangled */
	return syms;
}

void pfx_symbols_free(struct pfx_symbols *syms)
{
	if (!syms)
		return;
	for (size_t i = 0; i < syms->nfiles; i++)
		if (!syms->files[i].shared)
			symtab_free(syms->files[i].tab);
	free(syms->files);
	pfx_strset_free(&syms->paths);
	pfx_u64map_free(&syms->by_inode);
	pfx_demangle_free(syms->demangled);
	free(syms);
}

static uint64_t inode_key(dev_t dev, ino_t ino)
{
	uint64_t h = ((uint64_t)dev * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)ino * 0xbf58476d1ce4e5b9ull);

	return h == UINT64_MAX ? 0 : h;
}

static struct file_entry *file_entry(struct pfx_symbols *syms, const char *path)
{
	struct file_entry *e;
	const char *name;
	struct stat st;
	uint64_t *owner;
	size_t index;
	bool is_new;
	int fd;

	name = pfx_strset_add(&syms->paths, path, &index);
	if (!name)
		return NULL;
	if (index < syms->nfiles)
		return &syms->files[index];
	/* a new path: its index is the next entry (unless memory ran out
	 * between the two before: then paths and files no longer pair up) */
	if (index != syms->nfiles || PFX_GROW(syms->files, syms->cap, syms->nfiles + 1, 16))
		return NULL;
	e = &syms->files[syms->nfiles++];
	*e = (struct file_entry){ .path = name };
	fd = pfx_open_regular(path, &st);
	if (fd < 0) {
		e->err = fd == -EINVAL || fd == -EISDIR ? -ENOEXEC : fd;	/* not a file: no ELF */
		return e;
	}
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	/* another name of a file already read (a hard link, a path seen
	 * through another mount): its table, not a second read */
	owner = pfx_u64map_upsert(&syms->by_inode, inode_key(st.st_dev, st.st_ino), &is_new);
	if (owner && *owner) {
		const struct file_entry *o = &syms->files[*owner - 1];

		if ((o->tab || o->err == -EFBIG) && o->dev == st.st_dev && o->ino == st.st_ino) {
			e->tab = o->tab;
			e->err = o->err;
			e->shared = true;
		}
	}
	if (!e->shared) {
		e->err = symtab_load(fd, &st, path, &syms->budget, &e->tab);
		if (owner && !*owner && (e->tab || e->err == -EFBIG))
			*owner = syms->nfiles;
	}
	close(fd);
	return e;
}

int pfx_symbols_lookup(struct pfx_symbols *syms, const char *path, uint64_t file_offset,
		       const char **name, uint64_t *offset)
{
	struct file_entry *e;
	const struct symbol *s;
	uint64_t vaddr;

	/* the same pointer (checked: a caller may reuse its buffer) */
	if (path == syms->last_path && syms->last < syms->nfiles &&
	    strcmp(path, syms->files[syms->last].path) == 0)
		e = &syms->files[syms->last];
	else if ((e = file_entry(syms, path))) {
		syms->last_path = path;
		syms->last = (size_t)(e - syms->files);
	}
	if (!e)
		return -ENOMEM;
	if (e->err)
		return e->err;
	if (!offset_to_vaddr(e->tab, file_offset, &vaddr))
		return -ENOENT;
	s = symbol_at(e->tab, vaddr);
	if (!s)
		return -ENOENT;
	/* one table, one scope: equal names of two files stay two functions */
	*name = pfx_demangle_name(syms->demangled, e->tab, s->name);
	*offset = vaddr - s->start;
	return 0;
}
