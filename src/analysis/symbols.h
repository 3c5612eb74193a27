/* SPDX-License-Identifier: GPL-2.0-or-later */
/* symbols: function names for code addresses, from the ELF symbol tables
 * (.symtab, else .dynsym) of the mapped files as they are on disk now.
 * A stripped file's .symtab is looked for in its separate debug file, as
 * gdb and perf do: /usr/lib/debug/.build-id/xx/yyyy.debug by its build
 * id, else /usr/lib/debug/DIR/NAME by its .gnu_debuglink (libc6-dbg and
 * the -dbgsym packages install them there).
 *
 * pfx records no build ids: a file rebuilt or upgraded since the
 * recording gives wrong names, as with perf without its build-id cache.
 * Only native ELF (64-bit, host byte order) is read; anything else, a
 * stripped file or a file that is gone simply has no names.  The parser
 * checks every offset and size against the file, since record files (and
 * the paths in them) may come from anywhere. */
#ifndef PFX_SYMBOLS_H
#define PFX_SYMBOLS_H

#include <stdint.h>

struct pfx_symbols;

/* An empty cache of symbol tables, loaded per file on first use.
 * NULL when out of memory. */
struct pfx_symbols *pfx_symbols_new(void);
void pfx_symbols_free(struct pfx_symbols *syms);

/* The function holding file offset file_offset of the ELF file at path
 * (an address in a mapping is addr - start + pgoff): *name (valid until
 * pfx_symbols_free; C++ and Rust names demangled, demangle.h) and *offset, the distance from the function's start.
 * 0, -ENOENT when no function holds it, or -errno when the file cannot
 * be read as ELF (also remembered: each file is tried once). */
int pfx_symbols_lookup(struct pfx_symbols *syms, const char *path, uint64_t file_offset,
		       const char **name, uint64_t *offset);

#endif
