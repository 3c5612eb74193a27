/* SPDX-License-Identifier: GPL-2.0-or-later */
/* demangle: C++ and Rust symbol names as a person reads them, as perf
 * shows them ("ns::Class::method(int)", not "_ZN2ns5Class6methodEi").
 *
 * The Itanium C++ ABI demangler is libstdc++'s __cxa_demangle, found at
 * run time (dlopen of libstdc++.so.6): no build dependency, and where it
 * is missing (or configure ran --without-demangle) names stay mangled.
 * Rust's legacy mangling is Itanium's with a hash and $-escapes: the
 * "::h<16 hex>" hash is dropped and the escapes undone, as perf does.
 * Rust v0 names (_R..., the standard library's) are read here, whole:
 * paths, impls, generic arguments, types and constants, as
 * rustc-demangle's alternate form shows them ("<std::sync::once::Once>::
 * call_once::<std::rt::cleanup::{closure#0}>::{closure#0}"). */
#ifndef PFX_DEMANGLE_H
#define PFX_DEMANGLE_H

#include <stdbool.h>

struct pfx_demangler;

/* An empty cache.  NULL when out of memory. */
struct pfx_demangler *pfx_demangle_new(void);
void pfx_demangle_free(struct pfx_demangler *d);

/* name as shown: its demangled form, or name itself when it is not a
 * mangled name, cannot be demangled or no demangler is at hand (also
 * when out of memory).  name must stay valid and unchanged while d lives
 * (it keys the cache by address); the result lives until
 * pfx_demangle_free.  Equal results of one scope (a symbol table) are one
 * pointer, so two symbols that read the same (a constructor's C1 and C2
 * copies) are one function; equal results of two scopes are not. */
const char *pfx_demangle_name(struct pfx_demangler *d, const void *scope, const char *name);

/* The demangled form of name into a new string (the caller frees it), or
 * NULL when it is not one.  The cache's one step, for tests. */
char *pfx_demangle(const char *name);

/* Whether a demangler was found (false: every name stays mangled). */
bool pfx_demangle_available(void);

#endif
