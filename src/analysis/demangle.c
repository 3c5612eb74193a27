/* SPDX-License-Identifier: GPL-2.0-or-later */
/* demangle: see demangle.h.  Names come from files a recording names,
 * so anyone's: they are length-capped before the demangler sees them. */
#include "config.h"
#include "demangle.h"
#include "u64map.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef PFX_WITH_DEMANGLE
#include <dlfcn.h>
#endif

/* Longer names stay mangled: real ones (Boost, Rust generics) reach a
 * few hundred bytes; the cap keeps a crafted one from costing much. */
#define MAX_MANGLED 4096
/* A back reference (S<seq>_, T<n>_) prints a component again, which may
 * hold references itself: each can double what the demangler prints, and
 * __cxa_demangle has no limit (a crafted 254-byte name printed 436 MB in
 * 5 s).  A name that could print more than this stays mangled: 0.4% of
 * the C++ names of libstdc++, cc1plus and libLLVM (template-heavy ones),
 * none of a plain program's. */
#define MAX_PRINTED (1u << 22)
/* What one report demangles in all: then the names stay mangled. */
#define MAX_PRINTED_TOTAL (64u << 20)

typedef char *(*cxa_demangle_fn)(const char *, char *, size_t *, int *);

struct pfx_demangler {
	uint64_t printed;		/* bytes demangled so far */
	struct pfx_u64map by_name;	/* mangled name's address -> shown */
	struct pfx_u64map interned;	/* hash of (scope, shown) -> shown */
	char **owned;			/* the demangled strings, freed at the end */
	size_t nowned, cap;
};

static cxa_demangle_fn demangler(void)
{
#ifdef PFX_WITH_DEMANGLE
	static cxa_demangle_fn fn;
	static int tried;

	if (!tried) {
		void *h;

		tried = 1;
		/* already in the process (a libstdc++ user linked in), else the
		 * library every Debian system has; never closed: fn lives on */
		fn = (cxa_demangle_fn)(uintptr_t)dlsym(RTLD_DEFAULT, "__cxa_demangle");
		if (!fn && (h = dlopen("libstdc++.so.6", RTLD_LAZY | RTLD_LOCAL)))
			fn = (cxa_demangle_fn)(uintptr_t)dlsym(h, "__cxa_demangle");
	}
	return fn;
#else
	return NULL;
#endif
}

bool pfx_demangle_available(void)
{
	return demangler() != NULL;
}

static bool is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* A Rust legacy name ends in its hash: "...17h0123456789abcdefE". */
static bool is_rust_legacy(const char *name, size_t len)
{
	return len > 21 && strncmp(name, "_ZN", 3) == 0 && name[len - 1] == 'E' &&
	       strncmp(name + len - 20, "17h", 3) == 0 && is_hex(name + len - 17, 16);
}

/* Undo Rust's legacy escapes in place ("$LT$" '<', "$u20$" ' ', ".."
 * "::"), as rustc-demangle and perf do; the "::h<hash>" is already cut.
 * The text only shrinks. */
static void rust_unescape(char *s)
{
	static const struct {
		const char *esc;
		char c;
	} escapes[] = { { "$SP$", '@' }, { "$BP$", '*' }, { "$RF$", '&' }, { "$LT$", '<' },
			{ "$GT$", '>' }, { "$LP$", '(' }, { "$RP$", ')' }, { "$C$", ',' } };
	char *out = s, *start = s;

	while (*s) {
		size_t k;

		/* a component that begins with '$' is written "_$" */
		if (s[0] == '_' && s[1] == '$' && (out == start || (out - start >= 2 && out[-1] == ':' && out[-2] == ':'))) {
			s++;
			continue;
		}
		if (s[0] == '.' && s[1] == '.') {
			*out++ = ':';
			*out++ = ':';
			s += 2;
			continue;
		}
		if (*s != '$') {
			*out++ = *s++;
			continue;
		}
		for (k = 0; k < sizeof(escapes) / sizeof(escapes[0]); k++) {
			size_t n = strlen(escapes[k].esc);

			if (strncmp(s, escapes[k].esc, n) == 0) {
				*out++ = escapes[k].c;
				s += n;
				break;
			}
		}
		if (k < sizeof(escapes) / sizeof(escapes[0]))
			continue;
		/* $uXX$: the character of hex code XX (printable ASCII only) */
		if (s[1] == 'u' && is_hex(s + 2, 2) && s[4] == '$') {
			unsigned v = (unsigned)strtoul((char[3]){ s[2], s[3], 0 }, NULL, 16);

			if (v >= 0x20 && v < 0x7f) {
				*out++ = (char)v;
				s += 5;
				continue;
			}
		}
		*out++ = *s++;
	}
	*out = '\0';
}

/* --- Rust v0 (RFC 2603): the paths alone --- */

/* The standard library ships v0 names (_RNvNtCs..._3std2rt19lang_start_internal).
 * Only paths of crates, modules, items and closures are read: generic
 * arguments, impls, back references and punycode leave a name mangled. */
struct v0 {
	const char *s;
	char *out;
	size_t n, size;
	int depth;
	bool bad;
};

static void v0_put(struct v0 *v, const char *p, size_t len)
{
	if (v->n + len >= v->size) {
		v->bad = true;
		return;
	}
	memcpy(v->out + v->n, p, len);
	v->n += len;
	v->out[v->n] = '\0';
}

/* A base-62 number ending in '_' ("_" is 0, "0_" is 1, ...). */
static uint64_t v0_base62(struct v0 *v)
{
	uint64_t x = 0;

	if (*v->s == '_') {
		v->s++;
		return 0;
	}
	while (*v->s && *v->s != '_') {
		char c = *v->s++;
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'z' ? (unsigned)(c - 'a' + 10) :
			     c >= 'A' && c <= 'Z' ? (unsigned)(c - 'A' + 36) : 62;

		if (d == 62 || x > UINT64_MAX / 62 - 1) {
			v->bad = true;
			return 0;
		}
		x = x * 62 + d;
	}
	if (*v->s != '_') {
		v->bad = true;
		return 0;
	}
	v->s++;
	return x + 1;
}

/* An identifier: its disambiguator (returned) and its text (*name, *len). */
static uint64_t v0_ident(struct v0 *v, const char **name, size_t *len)
{
	uint64_t dis = 0;
	size_t n = 0;

	if (*v->s == 's') {
		v->s++;
		dis = v0_base62(v) + 1;
	}
	if (*v->s == 'u' || !(*v->s >= '0' && *v->s <= '9')) {	/* punycode: not read */
		v->bad = true;
		return 0;
	}
	while (*v->s >= '0' && *v->s <= '9' && n < 100000)
		n = n * 10 + (size_t)(*v->s++ - '0');
	if (*v->s == '_')
		v->s++;
	if (strnlen(v->s, n) < n) {
		v->bad = true;
		return 0;
	}
	*name = v->s;
	*len = n;
	v->s += n;
	return dis;
}

static void v0_path(struct v0 *v)
{
	const char *name;
	size_t len;
	char ns;

	if (v->bad || ++v->depth > 64) {
		v->bad = true;
		return;
	}
	switch (*v->s++) {
	case 'C':	/* crate root: its name, without the crate's hash */
		v0_ident(v, &name, &len);
		if (!v->bad)
			v0_put(v, name, len);
		break;
	case 'N':
		ns = *v->s++;
		if (!((ns >= 'a' && ns <= 'z') || (ns >= 'A' && ns <= 'Z'))) {
			v->bad = true;
			break;
		}
		v0_path(v);
		{
			uint64_t dis = v0_ident(v, &name, &len);
			char buf[48];

			if (v->bad)
				break;
			v0_put(v, "::", 2);
			if (ns >= 'a' && ns <= 'z') {
				v0_put(v, name, len);
				break;
			}
			/* a special namespace: {closure#0}, {shim:vtable#0} */
			snprintf(buf, sizeof(buf), "{%s%s", ns == 'C' ? "closure" : ns == 'S' ? "shim" : "?",
				 len ? ":" : "");
			v0_put(v, buf, strlen(buf));
			v0_put(v, name, len);
			snprintf(buf, sizeof(buf), "#%" PRIu64 "}", dis ? dis - 1 : 0);
			v0_put(v, buf, strlen(buf));
		}
		break;
	default:	/* impls, generics, back references: not read */
		v->bad = true;
	}
	v->depth--;
}

/* name (starting "_R") as its path, or NULL. */
static char *rust_v0(const char *name, size_t len)
{
	struct v0 v = { .s = name + 2, .size = len * 2 + 64 };

	if (*v.s >= '0' && *v.s <= '9')	/* an encoding version: only 0 (absent) is known */
		return NULL;
	if (!(v.out = malloc(v.size)))
		return NULL;
	v.out[0] = '\0';
	v0_path(&v);
	/* what may follow: the instantiating crate (a path), a vendor suffix */
	if (v.bad || !v.n) {
		free(v.out);
		return NULL;
	}
	return v.out;
}

/* Whether the demangler may print name (len bytes): at most
 * MAX_PRINTED bytes however its back references nest. */
static bool bounded(const char *name, size_t len)
{
	unsigned refs = 0;

	for (size_t i = 0; i + 1 < len; i++) {
		size_t j = i + 1;

		if (name[i] != 'S' && name[i] != 'T')
			continue;
		while (j < len && ((name[j] >= '0' && name[j] <= '9') || (name[j] >= 'A' && name[j] <= 'Z')))
			j++;
		if (j < len && name[j] == '_' && ++refs > 32)
			return false;
	}
	return ((uint64_t)len << refs) <= MAX_PRINTED;
}

char *pfx_demangle(const char *name)
{
	cxa_demangle_fn fn;
	size_t len = strnlen(name, MAX_MANGLED + 1);
	int status = -1;
	char *out;

	if (len < 3 || len > MAX_MANGLED || name[0] != '_')
		return NULL;
	if (name[1] == 'R')
		return rust_v0(name, len);
	if (name[1] != 'Z' || !bounded(name, len) || !(fn = demangler()))
		return NULL;
	out = fn(name, NULL, NULL, &status);
	if (status != 0 || !out) {
		free(out);
		return NULL;
	}
	if (is_rust_legacy(name, len)) {
		size_t n = strlen(out);

		/* "...::h0123456789abcdef": the hash tells builds apart, not functions */
		if (n > 19 && strncmp(out + n - 19, "::h", 3) == 0 && is_hex(out + n - 16, 16))
			out[n - 19] = '\0';
		rust_unescape(out);
	}
	return out;
}

struct pfx_demangler *pfx_demangle_new(void)
{
	struct pfx_demangler *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	if (pfx_u64map_init(&d->by_name, sizeof(uint64_t)) < 0) {
		free(d);
		return NULL;
	}
	if (pfx_u64map_init(&d->interned, sizeof(uint64_t)) < 0) {
		pfx_u64map_free(&d->by_name);
		free(d);
		return NULL;
	}
	return d;
}

void pfx_demangle_free(struct pfx_demangler *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nowned; i++)
		free(d->owned[i]);
	free(d->owned);
	pfx_u64map_free(&d->by_name);
	pfx_u64map_free(&d->interned);
	free(d);
}

static uint64_t scoped_hash(const void *scope, const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)(uintptr_t)scope;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

/* The one copy of shown in scope: an equal earlier one (shown freed), or
 * shown itself, kept.  NULL when out of memory (shown freed). */
static const char *intern(struct pfx_demangler *d, const void *scope, char *shown)
{
	for (uint64_t h = scoped_hash(scope, shown);; h++) {
		bool is_new;
		uint64_t *v;

		if (h == UINT64_MAX)	/* not a key the map can hold */
			continue;
		v = pfx_u64map_upsert(&d->interned, h, &is_new);
		if (!v || (is_new && PFX_GROW(d->owned, d->cap, d->nowned + 1, 64))) {
			/* a fresh slot holding 0 stays: a 0 value is skipped below */
			free(shown);
			return NULL;
		}
		if (is_new) {
			d->owned[d->nowned++] = shown;
			*v = (uint64_t)(uintptr_t)shown;
			return shown;
		}
		if (*v && strcmp((const char *)(uintptr_t)*v, shown) == 0) {
			free(shown);
			return (const char *)(uintptr_t)*v;
		}
		/* another string of the same hash (or a slot left by a failure): the next key */
	}
}

const char *pfx_demangle_name(struct pfx_demangler *d, const void *scope, const char *name)
{
	uint64_t *v;
	bool is_new;
	char *out;
	const char *shown;

	if (!d || name[0] != '_' || (name[1] != 'Z' && name[1] != 'R'))
		return name;
	v = pfx_u64map_upsert(&d->by_name, (uint64_t)(uintptr_t)name, &is_new);
	if (!v)
		return name;
	if (!is_new)
		return (const char *)(uintptr_t)*v;
	*v = (uint64_t)(uintptr_t)name;	/* until demangled: the name itself */
	if (d->printed > MAX_PRINTED_TOTAL)
		return name;
	out = pfx_demangle(name);
	if (!out)
		return name;
	d->printed += strlen(out);
	shown = intern(d, scope, out);
	if (!shown)
		return name;
	/* intern may have grown interned, not by_name: v is still valid */
	*v = (uint64_t)(uintptr_t)shown;
	return shown;
}
