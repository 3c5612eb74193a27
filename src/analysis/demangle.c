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

/* --- Rust v0 (RFC 2603, rustc's "symbol-mangling-v0") --- */

/* The standard library ships v0 names (_RNvNtCs..._3std2rt19lang_start_internal),
 * and so does any crate built with -C symbol-mangling-version=v0.  They
 * are read whole, as rustc-demangle's alternate form ("{:#}") shows them:
 * paths, impls ("<T as Trait>"), generic arguments, types, constants,
 * back references and punycode identifiers; crate hashes and the
 * instantiating crate are left out.  Anything unexpected leaves the name
 * mangled.  A back reference prints text again, so the output is capped
 * (V0_MAX_OUT) and so is the nesting (V0_MAX_DEPTH): time and memory stay
 * linear in what is printed. */
#define V0_MAX_OUT (1u << 20)
#define V0_MAX_DEPTH 300

struct v0 {
	const char *sym;	/* the name after "_R" (back references count from here) */
	size_t len, pos;
	char *out;
	size_t n, size;
	int depth;
	int quiet;		/* > 0: parse without printing (impl paths, the instantiating crate) */
	uint64_t bound_lifetimes;	/* for<'a, ...> binders open around here */
	bool bad;
};

static void v0_put(struct v0 *v, const char *p, size_t len)
{
	if (v->quiet || v->bad)
		return;
	if (v->n + len + 1 > v->size) {
		size_t size = v->size;
		char *out;

		while (v->n + len + 1 > size)
			size *= 2;
		if (size > V0_MAX_OUT || !(out = realloc(v->out, size))) {
			v->bad = true;
			return;
		}
		v->out = out;
		v->size = size;
	}
	memcpy(v->out + v->n, p, len);
	v->n += len;
	v->out[v->n] = '\0';
}

static void v0_puts(struct v0 *v, const char *s)
{
	v0_put(v, s, strlen(s));
}

static void v0_putu(struct v0 *v, uint64_t x)
{
	char buf[24];

	v0_put(v, buf, (size_t)snprintf(buf, sizeof(buf), "%" PRIu64, x));
}

static char v0_peek(const struct v0 *v)
{
	return v->pos < v->len ? v->sym[v->pos] : '\0';
}

static bool v0_eat(struct v0 *v, char c)
{
	if (v0_peek(v) != c)
		return false;
	v->pos++;
	return true;
}

static char v0_next(struct v0 *v)
{
	if (v->pos >= v->len) {
		v->bad = true;
		return '\0';
	}
	return v->sym[v->pos++];
}

/* A base-62 number ending in '_' ("_" is 0, "0_" is 1, ...). */
static uint64_t v0_base62(struct v0 *v)
{
	uint64_t x = 0;

	if (v0_eat(v, '_'))
		return 0;
	for (;;) {
		char c = v0_next(v);
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'z' ? (unsigned)(c - 'a' + 10) :
			     c >= 'A' && c <= 'Z' ? (unsigned)(c - 'A' + 36) : 62;

		if (c == '_')
			break;
		if (d == 62 || x > UINT64_MAX / 62 - 1) {
			v->bad = true;
			return 0;
		}
		x = x * 62 + d;
	}
	return x + 1;
}

/* An optional tagged base-62 number (disambiguators 's', binders 'G'):
 * 0 when absent, else the number plus one. */
static uint64_t v0_opt_base62(struct v0 *v, char tag)
{
	return v0_eat(v, tag) ? v0_base62(v) + 1 : 0;
}

static bool v0_enter(struct v0 *v)
{
	if (v->bad || ++v->depth > V0_MAX_DEPTH) {
		v->bad = true;
		return false;
	}
	return true;
}

/* B<base-62>: a position before this one, to read from instead. */
static bool v0_backref(struct v0 *v, size_t *saved)
{
	size_t at = v->pos - 1;		/* the 'B' */
	uint64_t to = v0_base62(v);

	if (v->bad || to >= at) {
		v->bad = true;
		return false;
	}
	*saved = v->pos;
	v->pos = (size_t)to;
	return true;
}

/* Punycode (RFC 3492, with '_' as the delimiter): the identifier's
 * characters as UTF-8. */
static void v0_punycode(struct v0 *v, const char *p, size_t len)
{
	uint32_t cps[256];
	size_t ncp = 0, basic = 0, i = 0;
	uint32_t n = 128, bias = 72;
	const char *delim = NULL;

	for (size_t k = 0; k < len; k++)
		if (p[k] == '_')
			delim = p + k;
	if (delim) {
		basic = (size_t)(delim - p);
		if (basic > 256)
			goto bad;
		for (size_t k = 0; k < basic; k++)
			cps[ncp++] = (unsigned char)p[k];
		p = delim + 1;
		len -= basic + 1;
	}
	while (len) {
		size_t old = i, w = 1;

		for (uint32_t k = 36;; k += 36) {
			char c = len ? *p : '\0';
			uint32_t d = c >= 'a' && c <= 'z' ? (uint32_t)(c - 'a') : c >= '0' && c <= '9' ? (uint32_t)(c - '0' + 26) : 36;
			uint32_t t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;

			if (!len || d == 36 || d > (SIZE_MAX / 4 - i) / w)
				goto bad;
			p++, len--;
			i += d * w;
			if (d < t)
				break;
			if (w > SIZE_MAX / 4 / 36)
				goto bad;
			w *= 36 - t;
		}
		/* adapt the bias */
		{
			size_t delta = (i - old) / (old == 0 ? 700 : 2), k = 0;

			delta += delta / (ncp + 1);
			while (delta > 35 * 26 / 2) {
				delta /= 35;
				k += 36;
			}
			bias = (uint32_t)(k + 36 * delta / (delta + 38));
		}
		if (i / (ncp + 1) > 0x10ffff || ncp >= 256)
			goto bad;
		n += (uint32_t)(i / (ncp + 1));
		i %= ncp + 1;
		if (n > 0x10ffff || (n >= 0xd800 && n < 0xe000))
			goto bad;
		memmove(cps + i + 1, cps + i, (ncp - i) * sizeof(cps[0]));
		cps[i++] = n;
		ncp++;
	}
	for (size_t k = 0; k < ncp; k++) {
		uint32_t c = cps[k];
		char u[4];

		if (c < 0x80) {
			u[0] = (char)c;
			v0_put(v, u, 1);
		} else if (c < 0x800) {
			u[0] = (char)(0xc0 | c >> 6), u[1] = (char)(0x80 | (c & 0x3f));
			v0_put(v, u, 2);
		} else if (c < 0x10000) {
			u[0] = (char)(0xe0 | c >> 12), u[1] = (char)(0x80 | (c >> 6 & 0x3f)), u[2] = (char)(0x80 | (c & 0x3f));
			v0_put(v, u, 3);
		} else {
			u[0] = (char)(0xf0 | c >> 18), u[1] = (char)(0x80 | (c >> 12 & 0x3f));
			u[2] = (char)(0x80 | (c >> 6 & 0x3f)), u[3] = (char)(0x80 | (c & 0x3f));
			v0_put(v, u, 4);
		}
	}
	return;
bad:
	v->bad = true;
}

/* An identifier without its disambiguator: ["u"] <decimal> ["_"] <bytes>.
 * Printed when print is set; *empty says whether it has no text. */
static void v0_ident(struct v0 *v, bool print, bool *empty)
{
	bool puny = v0_eat(v, 'u');
	size_t n = 0;
	char c = v0_peek(v);

	if (!(c >= '0' && c <= '9')) {
		v->bad = true;
		return;
	}
	if (c == '0')
		v->pos++;
	else
		while ((c = v0_peek(v)) >= '0' && c <= '9' && n < 100000) {
			n = n * 10 + (size_t)(c - '0');
			v->pos++;
		}
	v0_eat(v, '_');
	if (n > v->len - v->pos) {
		v->bad = true;
		return;
	}
	if (empty)
		*empty = n == 0;
	if (print) {
		if (puny)
			v0_punycode(v, v->sym + v->pos, n);
		else
			v0_put(v, v->sym + v->pos, n);
	}
	v->pos += n;
}

static void v0_path(struct v0 *v, bool in_value);
static void v0_type(struct v0 *v);
static void v0_const(struct v0 *v, bool in_value);

/* 'a for a lifetime index under the open binders; '_ for 0 (erased). */
static void v0_lifetime(struct v0 *v, uint64_t lt)
{
	uint64_t depth;

	v0_put(v, "'", 1);
	if (lt == 0) {
		v0_put(v, "_", 1);
		return;
	}
	if (lt > v->bound_lifetimes) {
		v->bad = true;
		return;
	}
	depth = v->bound_lifetimes - lt;
	if (depth < 26) {
		char c = (char)('a' + depth);

		v0_put(v, &c, 1);
	} else {
		v0_put(v, "_", 1);
		v0_putu(v, depth);
	}
}

/* G<base-62>: "for<'a, 'b> " opens lifetimes for what follows; the
 * count to close afterwards is returned. */
static uint64_t v0_binder_open(struct v0 *v)
{
	uint64_t n = v0_opt_base62(v, 'G');

	if (n > 1000) {
		v->bad = true;
		return 0;
	}
	if (n) {
		v0_puts(v, "for<");
		for (uint64_t i = 0; i < n; i++) {
			if (i)
				v0_puts(v, ", ");
			v->bound_lifetimes++;
			v0_lifetime(v, 1);
		}
		v0_puts(v, "> ");
	}
	return n;
}

/* A list of items up to 'E', printed between sep; the count is returned. */
static size_t v0_list(struct v0 *v, const char *sep, void (*item)(struct v0 *, bool), bool arg)
{
	size_t n = 0;

	while (!v->bad && !v0_eat(v, 'E')) {
		if (v->pos >= v->len) {
			v->bad = true;
			break;
		}
		if (n++)
			v0_puts(v, sep);
		item(v, arg);
	}
	return n;
}

static void v0_type_item(struct v0 *v, bool unused)
{
	(void)unused;
	v0_type(v);
}

static void v0_generic_arg(struct v0 *v, bool unused)
{
	(void)unused;
	if (v0_eat(v, 'L'))
		v0_lifetime(v, v0_base62(v));
	else if (v0_eat(v, 'K'))
		v0_const(v, false);
	else
		v0_type(v);
}

static const char *v0_basic_type(char c)
{
	switch (c) {
	case 'a': return "i8";
	case 'b': return "bool";
	case 'c': return "char";
	case 'd': return "f64";
	case 'e': return "str";
	case 'f': return "f32";
	case 'h': return "u8";
	case 'i': return "isize";
	case 'j': return "usize";
	case 'l': return "i32";
	case 'm': return "u32";
	case 'n': return "i128";
	case 'o': return "u128";
	case 'p': return "_";
	case 's': return "i16";
	case 't': return "u16";
	case 'u': return "()";
	case 'v': return "...";
	case 'x': return "i64";
	case 'y': return "u64";
	case 'z': return "!";
	default: return NULL;
	}
}

/* A trait's path with its generic arguments left open ("Fn<(u8,)"), so
 * that associated-type bindings can follow inside them; whether open. */
static bool v0_path_open_generics(struct v0 *v)
{
	size_t saved;
	bool open = false;

	if (!v0_enter(v))
		return false;
	if (v0_eat(v, 'B')) {
		if (v0_backref(v, &saved)) {
			open = v0_path_open_generics(v);
			v->pos = saved;
		}
	} else if (v0_eat(v, 'I')) {
		v0_path(v, false);
		v0_put(v, "<", 1);
		v0_list(v, ", ", v0_generic_arg, false);
		open = true;
	} else {
		v0_path(v, false);
	}
	v->depth--;
	return open;
}

/* dyn A<X = T> + B + 'a */
static void v0_dyn(struct v0 *v)
{
	uint64_t bound;
	size_t n = 0;

	v0_puts(v, "dyn ");
	bound = v0_binder_open(v);
	while (!v->bad && !v0_eat(v, 'E')) {
		bool open;

		if (v->pos >= v->len) {
			v->bad = true;
			break;
		}
		if (n++)
			v0_puts(v, " + ");
		open = v0_path_open_generics(v);
		while (!v->bad && v0_eat(v, 'p')) {
			v0_puts(v, open ? ", " : "<");
			open = true;
			v0_ident(v, true, NULL);
			v0_puts(v, " = ");
			v0_type(v);
		}
		if (open)
			v0_put(v, ">", 1);
	}
	v->bound_lifetimes -= bound;
	if (!v0_eat(v, 'L')) {
		v->bad = true;
		return;
	}
	{
		uint64_t lt = v0_base62(v);

		if (lt) {
			v0_puts(v, " + ");
			v0_lifetime(v, lt);
		}
	}
}

/* [for<'a>] [unsafe] [extern "abi"] fn(A, B) -> R */
static void v0_fn_sig(struct v0 *v)
{
	uint64_t bound = v0_binder_open(v);

	if (v0_eat(v, 'U'))
		v0_puts(v, "unsafe ");
	if (v0_eat(v, 'K')) {
		v0_puts(v, "extern \"");
		if (v0_eat(v, 'C')) {
			v0_put(v, "C", 1);
		} else {
			size_t from = v->n;

			if (v0_peek(v) == 'u') {	/* an ABI's name is ASCII */
				v->bad = true;
				return;
			}
			v0_ident(v, true, NULL);
			for (size_t i = from; !v->quiet && !v->bad && i < v->n; i++)	/* "system_unwind": system-unwind */
				if (v->out[i] == '_')
					v->out[i] = '-';
		}
		v0_puts(v, "\" ");
	}
	v0_puts(v, "fn(");
	v0_list(v, ", ", v0_type_item, false);
	v0_put(v, ")", 1);
	if (!v0_eat(v, 'u')) {
		v0_puts(v, " -> ");
		v0_type(v);
	}
	v->bound_lifetimes -= bound;
}

static void v0_type(struct v0 *v)
{
	const char *basic;
	size_t saved;
	char tag;

	if (!v0_enter(v))
		return;
	tag = v0_next(v);
	if ((basic = v0_basic_type(tag))) {
		v0_puts(v, basic);
		v->depth--;
		return;
	}
	switch (tag) {
	case 'R':
	case 'Q':
		v0_put(v, "&", 1);
		if (v0_eat(v, 'L')) {
			uint64_t lt = v0_base62(v);

			if (lt) {
				v0_lifetime(v, lt);
				v0_put(v, " ", 1);
			}
		}
		if (tag == 'Q')
			v0_puts(v, "mut ");
		v0_type(v);
		break;
	case 'P':
		v0_puts(v, "*const ");
		v0_type(v);
		break;
	case 'O':
		v0_puts(v, "*mut ");
		v0_type(v);
		break;
	case 'A':
	case 'S':
		v0_put(v, "[", 1);
		v0_type(v);
		if (tag == 'A') {
			v0_puts(v, "; ");
			v0_const(v, true);
		}
		v0_put(v, "]", 1);
		break;
	case 'T':
		v0_put(v, "(", 1);
		if (v0_list(v, ", ", v0_type_item, false) == 1)
			v0_put(v, ",", 1);
		v0_put(v, ")", 1);
		break;
	case 'F':
		v0_fn_sig(v);
		break;
	case 'D':
		v0_dyn(v);
		break;
	case 'B':
		if (v0_backref(v, &saved)) {
			v0_type(v);
			v->pos = saved;
		}
		break;
	default:	/* a named type: a path */
		v->pos--;
		v0_path(v, false);
	}
	v->depth--;
}

/* A lowercase hex digit's value, or 16. */
static unsigned v0_hex(char c)
{
	return c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) : 16;
}

/* <hex digits>_ : the value, or false when it does not fit 64 bits (its
 * hex then printed as is). */
static void v0_const_uint(struct v0 *v)
{
	size_t from = v->pos, digits;
	uint64_t x = 0;
	char c;

	while ((c = v0_next(v)) != '_' && !v->bad) {
		unsigned d = v0_hex(c);

		if (d == 16) {
			v->bad = true;
			return;
		}
		x = x << 4 | d;
	}
	digits = v->pos - 1 - from;
	if (v->bad)
		return;
	if (digits <= 16) {
		v0_putu(v, x);
	} else {
		v0_puts(v, "0x");
		v0_put(v, v->sym + from, digits);
	}
}

/* A character of a char or str constant, escaped as Rust's Debug does
 * for the common cases; others as \u{hex}. */
static void v0_put_char(struct v0 *v, uint32_t c, char quote)
{
	char buf[16];

	if (c == (uint32_t)quote || c == '\\') {
		buf[0] = '\\', buf[1] = (char)c;
		v0_put(v, buf, 2);
	} else if (c == '\n') {
		v0_puts(v, "\\n");
	} else if (c == '\t') {
		v0_puts(v, "\\t");
	} else if (c >= 0x20 && c < 0x7f) {
		buf[0] = (char)c;
		v0_put(v, buf, 1);
	} else {
		v0_put(v, buf, (size_t)snprintf(buf, sizeof(buf), "\\u{%" PRIx32 "}", c));
	}
}

/* A char constant's code point ('c', quote '\'') or a str constant's
 * bytes ('e', quote '"'; UTF-8 kept as it is), in hex up to '_', quoted. */
static void v0_const_literal(struct v0 *v, char quote)
{
	size_t from = v->pos, nhex;
	uint32_t cp = 0;

	while (v0_peek(v) != '_' && !v->bad)
		v0_next(v);
	v0_next(v);
	nhex = v->pos - 1 - from;
	if (v->bad || (quote == '\'' ? nhex == 0 || nhex > 6 : nhex % 2)) {
		v->bad = true;
		return;
	}
	v0_put(v, &quote, 1);
	for (size_t i = 0; i < nhex; i++) {
		char c = v->sym[from + i];
		unsigned d = v0_hex(c);

		if (d == 16) {
			v->bad = true;
			return;
		}
		cp = cp << 4 | d;
		if (quote == '"' && i % 2) {
			if (cp >= 0x80) {
				char byte = (char)cp;

				v0_put(v, &byte, 1);
			} else {
				v0_put_char(v, cp, quote);
			}
			cp = 0;
		}
	}
	if (quote == '\'') {
		if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) {
			v->bad = true;
			return;
		}
		v0_put_char(v, cp, quote);
	}
	v0_put(v, &quote, 1);
}

static void v0_const_item(struct v0 *v, bool unused)
{
	(void)unused;
	v0_const(v, true);
}

static void v0_const(struct v0 *v, bool in_value)
{
	size_t saved;
	char tag;

	if (!v0_enter(v))
		return;
	tag = v0_next(v);
	switch (tag) {
	case 'p':
		v0_put(v, "_", 1);
		break;
	case 'a': case 's': case 'l': case 'x': case 'n': case 'i':	/* signed */
		if (v0_eat(v, 'n'))
			v0_put(v, "-", 1);
		/* fall through */
	case 'h': case 't': case 'm': case 'y': case 'o': case 'j':
		v0_const_uint(v);
		break;
	case 'b':
		if (v0_eat(v, '0') && v0_eat(v, '_'))
			v0_puts(v, "false");
		else if (v0_eat(v, '1') && v0_eat(v, '_'))
			v0_puts(v, "true");
		else
			v->bad = true;
		break;
	case 'c':
		v0_const_literal(v, '\'');
		break;
	case 'e':	/* a literal "..." is a &str: a str constant reads *"..." */
		if (!in_value)
			v0_put(v, "{", 1);
		v0_put(v, "*", 1);
		v0_const_literal(v, '"');
		if (!in_value)
			v0_put(v, "}", 1);
		break;
	case 'R':
	case 'Q':
		if (tag == 'R' && v0_eat(v, 'e')) {	/* &str: the literal "..." */
			v0_const_literal(v, '"');
			break;
		}
		if (!in_value)
			v0_put(v, "{", 1);
		v0_puts(v, tag == 'R' ? "&" : "&mut ");
		v0_const(v, true);
		if (!in_value)
			v0_put(v, "}", 1);
		break;
	case 'A':
	case 'T':
		if (!in_value)
			v0_put(v, "{", 1);
		v0_put(v, tag == 'A' ? "[" : "(", 1);
		if (v0_list(v, ", ", v0_const_item, true) == 1 && tag == 'T')
			v0_put(v, ",", 1);
		v0_put(v, tag == 'A' ? "]" : ")", 1);
		if (!in_value)
			v0_put(v, "}", 1);
		break;
	case 'V':	/* a struct or enum value: Path, Path(a, b), Path { x: a } */
		if (!in_value)
			v0_put(v, "{", 1);
		v0_path(v, true);
		switch (v0_next(v)) {
		case 'U':
			break;
		case 'T':
			v0_put(v, "(", 1);
			v0_list(v, ", ", v0_const_item, true);
			v0_put(v, ")", 1);
			break;
		case 'S': {
			size_t n = 0;

			v0_puts(v, " { ");
			while (!v->bad && !v0_eat(v, 'E')) {
				if (v->pos >= v->len)
					goto bad;
				if (n++)
					v0_puts(v, ", ");
				v0_opt_base62(v, 's');
				v0_ident(v, true, NULL);
				v0_puts(v, ": ");
				v0_const(v, true);
			}
			v0_puts(v, " }");
			break;
		}
		default:
			goto bad;
		}
		if (!in_value)
			v0_put(v, "}", 1);
		break;
	case 'B':
		if (v0_backref(v, &saved)) {
			v0_const(v, in_value);
			v->pos = saved;
		}
		break;
	default:
		goto bad;
	}
	v->depth--;
	return;
bad:
	v->bad = true;
	v->depth--;
}

/* sep and an identifier; nothing when the identifier is empty (an
 * unnamed item, a closure: no "::", no ":"). */
static void v0_named(struct v0 *v, const char *sep)
{
	size_t at = v->n;
	bool empty = true;

	v0_puts(v, sep);
	v0_ident(v, true, &empty);
	if (empty && !v->quiet && !v->bad) {
		v->n = at;
		v->out[at] = '\0';
	}
}

/* A path; in_value: a value's path, whose generic arguments read "::<T>"
 * (a type's read "<T>"). */
static void v0_path(struct v0 *v, bool in_value)
{
	size_t saved;
	char tag;

	if (!v0_enter(v))
		return;
	tag = v0_next(v);
	switch (tag) {
	case 'C':	/* crate root: its name, without the crate's hash */
		v0_opt_base62(v, 's');
		v0_ident(v, true, NULL);
		break;
	case 'M':	/* <T> (an inherent impl); the impl's own path is not shown */
	case 'X':	/* <T as Trait> (a trait impl) */
	case 'Y':	/* <T as Trait> (a trait's item) */
		if (tag != 'Y') {
			v0_opt_base62(v, 's');
			v->quiet++;
			v0_path(v, false);
			v->quiet--;
		}
		v0_put(v, "<", 1);
		v0_type(v);
		if (tag != 'M') {
			v0_puts(v, " as ");
			v0_path(v, false);
		}
		v0_put(v, ">", 1);
		break;
	case 'N': {
		char ns = v0_next(v);
		uint64_t dis;

		if (!((ns >= 'a' && ns <= 'z') || (ns >= 'A' && ns <= 'Z'))) {
			v->bad = true;
			break;
		}
		v0_path(v, in_value);
		dis = v0_opt_base62(v, 's');
		if (ns >= 'a' && ns <= 'z') {	/* a module, type, function...: its name */
			v0_named(v, "::");
			break;
		}
		/* a special namespace: {closure#0}, {shim:vtable#0} */
		v0_puts(v, ns == 'C' ? "::{closure" : ns == 'S' ? "::{shim" : "::{");
		if (ns != 'C' && ns != 'S')
			v0_put(v, &ns, 1);
		v0_named(v, ":");
		v0_put(v, "#", 1);
		v0_putu(v, dis);
		v0_put(v, "}", 1);
		break;
	}
	case 'I':	/* generic arguments */
		v0_path(v, in_value);
		if (in_value)
			v0_puts(v, "::");
		v0_put(v, "<", 1);
		v0_list(v, ", ", v0_generic_arg, false);
		v0_put(v, ">", 1);
		break;
	case 'B':
		if (v0_backref(v, &saved)) {
			v0_path(v, in_value);
			v->pos = saved;
		}
		break;
	default:
		v->bad = true;
	}
	v->depth--;
}

/* name (starting "_R") demangled, or NULL. */
static char *rust_v0(const char *name, size_t len)
{
	struct v0 v = { .sym = name + 2, .len = len - 2, .size = 256 };
	const char *dot = memchr(v.sym, '.', v.len);

	/* a vendor suffix (".llvm.1234") is not part of the name */
	if (dot)
		v.len = (size_t)(dot - v.sym);
	if (v.len && v.sym[0] >= '0' && v.sym[0] <= '9')	/* an encoding version: only 0 (absent) is known */
		return NULL;
	if (!(v.out = malloc(v.size)))
		return NULL;
	v.out[0] = '\0';
	v0_path(&v, true);
	/* the crate that instantiated it (a path): not shown */
	if (!v.bad && v.pos < v.len && v.sym[v.pos] >= 'A' && v.sym[v.pos] <= 'Z') {
		v.quiet++;
		v0_path(&v, false);
		v.quiet--;
	}
	if (v.bad || !v.n || v.pos != v.len) {
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
