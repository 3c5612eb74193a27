/* SPDX-License-Identifier: GPL-2.0-or-later */
/* recfile: writer and reader of the pfx record file (format version 7).
 *
 * The layout is specified in doc/record-format.md; in short:
 *
 *   file   := magic[8] version:u32le header_len:u32le header crc32:u32le block*
 *   block  := payload_len:u32le crc32:u32le payload    (items never straddle blocks)
 *   item   := tag byte + varints; the last block ends with the END item
 *
 * Faults (the bulk of a file) are one tag byte, then zigzag varint
 * deltas: time against the previous item; the ip (version 6) by its place
 * among the thread's last 32 ips, in the tag when its kind and access are
 * common ones, else as a delta; the address against the address that ip
 * last faulted at (an instruction fetch's against the ip).  A thread id is
 * written only when it changes, its pid only the first time it is seen.
 * Typical faults take 5-9 bytes.  Version 7: an ip new to its thread
 * by its place in its mapped file (file ip), which is the same in every
 * process: a process that does what the one before it did names each
 * ip in the tag (the id after the last).  A mapping names its path by number
 * after the path's first mapping (paths repeat across the processes of a
 * shell loop or a build: they were half of those files), its pid and
 * start as deltas from the mapping before, or (version 7) as like one
 * of the last 64 (MAPLIKE).  Each block carries a CRC32 so
 * flipped bytes are reported as corruption instead of decoding into
 * nonsense. */
#include "config.h"
#include "recfile.h"
#include "crc32.h"
#include "output.h"
#include "strset.h"
#include "u64map.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define REC_MAGIC "PFXREC\n\x1a"
#define REC_MAGIC_LEN 8
/* 2: the COUNTED item.  3: the CGROUP item (host-wide recordings).  4: the
 * SPACE item, in files whose processes each have their own mappings
 * (PFX_REC_PER_SPACE or PFX_REC_HOST_WIDE).  5: the MAPREF item (a
 * mapping with its path by number), which every file written now has.
 * 6: a fault's ip by its place among its thread's recent ips (the
 * short-form fault tags), its address against that ip's last fault or,
 * for an instruction fetch, the ip; an anonymous MAPREF's offset as its
 * start.  7: file ips (a fault's ip by path and offset, ids), the
 * MAPLIKE item.  Versions 1 to 6 are read as they are. */
#define REC_VERSION 7
#define REC_BLOCK_SIZE (64 * 1024)	/* payload a writer puts in one block */
#define REC_BLOCK_MAX (16 * 1024 * 1024)	/* largest payload a reader accepts */
#define REC_HEADER_MAX (64 * 1024)
#define REC_PATH_MAX 4096
/* No time in a recording (ns since its start) is later than this, 146
 * years: a larger one is damage, and would overflow the readers' sums. */
#define REC_TIME_MAX (1ull << 62)
/* Room one item may need: a mapping with the longest path, or a call chain. */
#define REC_ITEM_MAX (REC_PATH_MAX + 128 + PFX_REC_MAX_CALLCHAIN * 10)

enum rec_tag {
	TAG_MAPPING = 0x01,
	TAG_THREAD = 0x02,
	TAG_LOST = 0x03,
	TAG_COUNTED = 0x04,	/* version 2 */
	TAG_CALLCHAIN = 0x05,	/* belongs to the fault that follows */
	TAG_CGROUP = 0x06,	/* version 3 */
	TAG_SPACE = 0x07,	/* version 4 */
	TAG_MAPREF = 0x08,	/* version 5: a mapping, its path by number */
	TAG_MAPLIKE = 0x09,	/* version 7: a mapping like one of the last 64 */
	TAG_END = 0x7f,
	TAG_FAULT = 0x80,	/* bit 7 set: a fault; bits below: */
};
#define FAULT_KIND_MASK 0x03	/* bits 0-1: enum pfx_fault_kind */
#define FAULT_ACCESS_SHIFT 2	/* bits 2-5: enum pfx_fault_access */
#define FAULT_ACCESS_MASK 0x0f
#define FAULT_NEW_TID 0x40	/* bit 6: a tid varint follows */
/* Version 6's short fault tags, TAG_SHORT + class * 16 + ip mode: the
 * thread is the previous fault's, (kind, access) one of short_class[],
 * the ip mode 0-13 the place of the ip among the thread's recent ips,
 * 14 a place from 14 on (a varint, the place - 14, follows), IP_NEW
 * an ip not among them (a zigzag delta from the thread's last ip). */
#define TAG_SHORT 0x10
#define SHORT_CLASSES 6
#define SHORT_NEAR6 14		/* version 6: modes 0-13 places, 14 far */
/* Version 7: modes 0-11 places, IP_FAR 12 (a varint, the place - 12,
 * follows), IP_NEXT the file ip after the thread's last one, IP_FILE a
 * file ip (a zigzag varint, its id - the one IP_NEXT names, follows),
 * IP_NEW as in version 6. */
#define SHORT_NEAR 12
#define IP_FAR 12
#define IP_NEXT 13
#define IP_FILE 14
#define IP_NEW 15
#define ACCESS_FETCH (PFX_ACCESS_KNOWN | PFX_ACCESS_EXEC)
static const uint8_t short_class[SHORT_CLASSES][2] = {	/* kind, access */
	{ PFX_FAULT_MINOR, PFX_ACCESS_KNOWN },
	{ PFX_FAULT_MINOR, PFX_ACCESS_KNOWN | PFX_ACCESS_WRITE },
	{ PFX_FAULT_MINOR, ACCESS_FETCH },
	{ PFX_FAULT_MINOR, PFX_ACCESS_KNOWN | PFX_ACCESS_WRITE | PFX_ACCESS_PROT },
	{ PFX_FAULT_MAJOR, PFX_ACCESS_KNOWN },
	{ PFX_FAULT_MAJOR, ACCESS_FETCH },
};

/* ---- CRC32 (IEEE, as zlib): base/crc32 ---- */

static uint32_t crc32_buf(const uint8_t *p, size_t n)
{
	return pfx_crc32(0, p, n);
}

/* ---- little-endian words and varints ---- */

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint8_t *put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)v | 0x80;
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static inline uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static uint8_t *put_string(uint8_t *p, const char *s, size_t max)
{
	size_t n = s ? strnlen(s, max) : 0;

	p = put_varint(p, n);
	memcpy(p, s, n);
	return p + n;
}

/* A bounded cursor over a block or the header.  Errors are sticky: after
 * one, every read returns 0 and the caller checks cur.bad once. */
struct cursor {
	const uint8_t *p, *end;
	bool bad;
};

static inline uint64_t get_varint(struct cursor *c)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (c->p >= c->end)
			break;
		uint8_t b = *c->p++;

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	c->bad = true;
	return 0;
}

/* get_varint without the bounds check per byte, for a caller that made
 * sure REC_VARINT_MAX bytes are left (the report's pass reads faults
 * from the middle of a block: a check per byte was a tenth of it).  The
 * same result, position and error as get_varint. */
#define REC_VARINT_MAX 10
static inline __attribute__((always_inline)) uint64_t get_varint_unchecked(struct cursor *c)
{
	const uint8_t *p = c->p;
	uint64_t v;

	/* most of a fault's varints take one or two bytes */
	if (!(p[0] & 0x80)) {
		c->p = p + 1;
		return p[0];
	}
	v = (uint64_t)(p[0] & 0x7f) | (uint64_t)(p[1] & 0x7f) << 7;
	if (!(p[1] & 0x80)) {
		c->p = p + 2;
		return v;
	}
	p += 2;
	for (unsigned shift = 14; shift < 64; shift += 7) {
		uint8_t b = *p++;

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			c->p = p;
			return v;
		}
	}
	c->p = p;
	c->bad = true;
	return 0;
}

/* get_varint, or get_varint_unchecked when room says the bytes are there
 * (a constant where it is inlined: two copies of the caller). */
static inline __attribute__((always_inline)) uint64_t get_varint_in(struct cursor *c, bool room)
{
	return room ? get_varint_unchecked(c) : get_varint(c);
}

/* A string field: copied, NUL-terminated, into buf (size > max). */
static void get_string(struct cursor *c, char *buf, size_t max)
{
	uint64_t n = get_varint(c);

	if (c->bad || n > max || n > (uint64_t)(c->end - c->p)) {
		c->bad = true;
		buf[0] = '\0';
		return;
	}
	memcpy(buf, c->p, n);
	buf[n] = '\0';
	c->p += n;
}

/* ---- per-thread delta state, shared by writer and reader ---- */

/* Version 6 keeps each thread's last REC_IPS distinct fault ips, the
 * most recent first, with the address each last faulted at: most of a
 * program's faults come from a few dozen instructions (gcc: 6 in 10 from
 * its thread's last 16 ips).  Place 0 is the thread's last fault, in its
 * state; places 1 on are in a table of its own, made when the thread
 * faults at a second ip (a file of many threads that fault once each
 * keeps 24 bytes a thread, as before). */
#define REC_IPS 32
struct ip_table {
	uint32_t n;		/* places 1..n */
	uint64_t ips[REC_IPS - 1], addr[REC_IPS - 1];
};
struct ip_tables {
	struct ip_table *v;
	size_t n, cap;
};
struct thread_state {
	uint32_t pid;
	uint32_t tab;		/* 0: no fault yet, 1: place 0 only, else v[tab - 2] */
	uint64_t addr, ip;	/* the last fault (0 before the first) */
	uint32_t next_id;	/* version 7: the file ip expected next (fips) */
};

static inline unsigned ips_count(const struct ip_tables *it, const struct thread_state *ts)
{
	return ts->tab < 2 ? ts->tab : it->v[ts->tab - 2].n + 1;
}

/* The place of ip among ts's recent ips, or their count. */
static inline unsigned ips_find(const struct ip_tables *it, const struct thread_state *ts,
				uint64_t ip)
{
	const struct ip_table *t;
	unsigned i = 0;

	if (ts->tab == 0 || ts->ip == ip)
		return 0;
	if (ts->tab == 1)
		return 1;
	t = &it->v[ts->tab - 2];
	while (i < t->n && t->ips[i] != ip)
		i++;
	return i + 1;
}

/* The ip at place i (< ips_count). */
static inline uint64_t ips_ip(const struct ip_tables *it, const struct thread_state *ts, unsigned i)
{
	return i ? it->v[ts->tab - 2].ips[i - 1] : ts->ip;
}

/* The address a fault at ip (at place i of ips_find, or nip) is written
 * against: an instruction fetch's own ip (the address is the ip), else
 * the address this ip last faulted at, else the thread's last. */
static inline uint64_t ips_base(const struct ip_tables *it, const struct thread_state *ts,
				unsigned i, uint64_t ip, unsigned access, unsigned nip)
{
	if ((access & ACCESS_FETCH) == ACCESS_FETCH)
		return ip;
	return i && i < nip ? it->v[ts->tab - 2].addr[i - 1] : ts->addr;
}

/* After a fault at place i (nip: a new ip): its ip and address first,
 * the ips before it one place down (the last one out when a new ip finds
 * the table full).  0, or -ENOMEM making the thread's table. */
static inline int ips_touch(struct ip_tables *it, struct thread_state *ts, unsigned i,
			    unsigned nip, uint64_t ip, uint64_t addr)
{
	struct ip_table *t;

	if (i == 0 && ts->tab) {	/* the same ip again (a loop's faults) */
		ts->addr = addr;
		return 0;
	}
	if (nip == 0) {			/* the thread's first fault */
		ts->tab = 1;
		ts->ip = ip;
		ts->addr = addr;
		return 0;
	}
	if (ts->tab == 1) {
		if (PFX_GROW(it->v, it->cap, it->n + 1, 16))
			return -ENOMEM;
		it->v[it->n].n = 0;
		ts->tab = (uint32_t)(it->n++ + 2);
	}
	t = &it->v[ts->tab - 2];
	if (i == nip && t->n < REC_IPS - 1)
		t->n++;
	if (i > t->n)
		i = t->n;
	/* places 1..i-1 move to 2..i, the old place 0 to 1 */
	memmove(t->ips + 1, t->ips, (i - 1) * sizeof(t->ips[0]));
	memmove(t->addr + 1, t->addr, (i - 1) * sizeof(t->addr[0]));
	t->ips[0] = ts->ip;
	t->addr[0] = ts->addr;
	ts->ip = ip;
	ts->addr = addr;
	return 0;
}

/* ---- version 7: a fault's ip by its place in its mapped file ----
 *
 * An ip new to its thread is looked up in the mappings its process has
 * been given (the MAPREF items since its last SPACE): a file ip is that
 * mapping's path number and the ip's offset in the file (ip - start +
 * pgoff), which survives address space randomization.  Every file ip
 * gets a number (an id) the first time a fault names it by value, in
 * file order on both ends, and later faults at it, in any process, name
 * it by id: as the id after the thread's last one (a process doing what
 * the one before it did faults at the same ips in the same order: the
 * ids of a shell loop's /bin/true follow each other), else as a delta
 * from that.  The address of such a fault is written against the ip plus
 * the distance from ip to address the last fault at that id had: within
 * a library, and between libraries loaded one after the other, that
 * distance is the same in every process. */
#define FIPS_SPACE_MAPS 256		/* mappings of a process looked at (the latest) */
#define FIPS_OFF_MAX (1ull << 40)	/* offsets and paths an id may have */
#define FIPS_PATH_MAX (1u << 23)
/* The mappings of every process in one array, each process's a list
 * from its latest (no allocation per process: a file of many processes
 * with a mapping each).  A process's list is given back (to a list of
 * free entries) at its next SPACE item, and cut to its latest
 * FIPS_SPACE_MAPS when it reaches twice that: what is kept is bounded
 * by the processes alive, not the mappings ever seen (a recording of a
 * host for days). */
struct fips_map {
	uint64_t start, end, bias;	/* bias: start - pgoff */
	uint32_t path;			/* path number, from 1 */
	uint32_t prev;			/* the process's mapping before (or the
					 * next free entry), index + 1 */
	uint32_t n;			/* the list's length from here back */
};
struct fips_id {
	uint64_t off;
	uint64_t dist;			/* the last fault's address - ip */
	uint32_t path;
};
/* The last FIPS_LIKE mappings (MAPREF and MAPLIKE items) as a MAPLIKE
 * item names them: all but the pid and the start, which is the distance
 * from the mapping before.  The mappings of a process that does what
 * the one before it did are those of that one, in the same order and
 * at the same distances from each other, but where the kernel places a
 * new executable, its libraries and its stack at random. */
#define FIPS_LIKE 64
#define FIPS_SHAPES_MAX 4096		/* shapes the writer's hash holds at most */
struct fips_like {
	uint64_t gap;			/* start - the previous mapping's end */
	uint64_t len, pgoff;		/* pgoff: unused when anon */
	uint32_t path, prot, flags;
	bool anon;			/* pgoff is the start (anonymous) */
};
struct fips {
	struct fips_like like[FIPS_LIKE];
	uint64_t nlike;			/* mappings seen: like[nlike % FIPS_LIKE] next */
	struct pfx_u64map spaces;	/* pid -> its latest mapping, index + 1 */
	struct fips_map *map;
	size_t nmap, capmap;		/* entries made (in use or free) */
	uint32_t free;			/* the first free entry, index + 1 */
	struct fips_id *id;
	size_t nid, capid;
	struct pfx_u64map ids;		/* writer: path << 40 | off -> id + 1 */
	struct pfx_u64map shapes;	/* writer: fips_like_key -> like index + 1 */
	bool writer;
};

static int fips_init(struct fips *fi, bool writer)
{
	int err = pfx_u64map_init(&fi->spaces, sizeof(uint32_t));

	fi->writer = writer;
	if (!err && writer)
		err = pfx_u64map_init(&fi->ids, sizeof(uint32_t));
	if (!err && writer && (err = pfx_u64map_init(&fi->shapes, sizeof(uint64_t))) < 0)
		pfx_u64map_free(&fi->ids);
	if (err)
		pfx_u64map_free(&fi->spaces);
	return err;
}

static void fips_free(struct fips *fi)
{
	free(fi->map);
	free(fi->id);
	pfx_u64map_free(&fi->spaces);
	if (fi->writer) {
		pfx_u64map_free(&fi->ids);
		pfx_u64map_free(&fi->shapes);
	}
	memset(fi, 0, sizeof(*fi));
}

/* The value of key in m, or NULL: a lookup that inserts nothing. */
static inline void *u64map_find(const struct pfx_u64map *m, uint64_t key)
{
	for (size_t i = pfx_u64map_hash(m, key);; i = (i + 1) & m->mask) {
		uint8_t *slot = pfx_u64map_slot(m, i);
		uint64_t k = pfx_u64map_stored(slot);

		if (k == key + 1)
			return slot + 8;
		if (k == 0)
			return NULL;
	}
}

/* pid's latest mapping, index + 1 (0: none). */
static inline uint32_t fips_head(const struct fips *fi, uint32_t pid)
{
	const uint32_t *slot = fi->nmap ? u64map_find(&fi->spaces, pid) : NULL;

	return slot ? *slot : 0;
}

/* Each of pid's latest FIPS_SPACE_MAPS mappings, the latest first. */
#define FIPS_FOREACH(fi, pid, m)                                                   \
	for (uint32_t i_ = fips_head(fi, pid), k_ = 0;                              \
	     i_ && k_ < FIPS_SPACE_MAPS && ((m) = &(fi)->map[i_ - 1], true);         \
	     i_ = (m)->prev, k_++)

/* Give back the list from entry i (index + 1) on: its entries are free. */
static void fips_release(struct fips *fi, uint32_t i)
{
	uint32_t t = i;

	if (!i)
		return;
	while (fi->map[t - 1].prev)
		t = fi->map[t - 1].prev;
	fi->map[t - 1].prev = fi->free;
	fi->free = i;
}

/* A list that has reached 2 * FIPS_SPACE_MAPS (its latest entry i):
 * its latest FIPS_SPACE_MAPS stay, the rest is given back. */
static void fips_trim(struct fips *fi, uint32_t i)
{
	for (uint32_t k = FIPS_SPACE_MAPS; k > 1; k--) {
		fi->map[i - 1].n = k;
		i = fi->map[i - 1].prev;
	}
	fi->map[i - 1].n = 1;
	fips_release(fi, fi->map[i - 1].prev);
	fi->map[i - 1].prev = 0;
}

/* A mapping item of pid (its path number from 1).  0 or -ENOMEM. */
static int fips_map_add(struct fips *fi, uint32_t pid, uint64_t start, uint64_t end,
			uint64_t pgoff, uint32_t path)
{
	uint32_t *slot, i = fi->free, prev;
	bool is_new;

	if (i) {
		fi->free = fi->map[i - 1].prev;
	} else {
		if (fi->nmap >= UINT32_MAX - 1 || PFX_GROW(fi->map, fi->capmap, fi->nmap + 1, 64))
			return -ENOMEM;
		i = (uint32_t)++fi->nmap;
	}
	slot = pfx_u64map_upsert(&fi->spaces, pid, &is_new);
	if (!slot)
		return -ENOMEM;
	prev = *slot;
	fi->map[i - 1] = (struct fips_map){ start, end, start - pgoff, path, prev,
					    prev ? fi->map[prev - 1].n + 1 : 1 };
	*slot = i;
	if (fi->map[i - 1].n >= 2 * FIPS_SPACE_MAPS)
		fips_trim(fi, i);
	return 0;
}

/* The key of a mapping's shape (all a MAPLIKE item takes from the
 * mapping it names): the writer's hash of them, checked on a hit. */
static uint64_t fips_like_key(const struct fips_like *e)
{
	const uint64_t k = 0x9e3779b97f4a7c15ull;
	uint64_t h = e->path;

	h = (h ^ e->len) * k;
	h = (h ^ (e->anon ? 1 : e->pgoff << 1)) * k;
	h = (h ^ ((uint64_t)e->prot << 32 | e->flags)) * k;
	return h == UINT64_MAX ? 0 : h;
}

static bool fips_like_same(const struct fips_like *a, const struct fips_like *b)
{
	return a->path == b->path && a->len == b->len && a->prot == b->prot &&
	       a->flags == b->flags && a->anon == b->anon && (a->anon || a->pgoff == b->pgoff);
}

/* After a mapping item (the end of the mapping before it prev_end).
 * 0 or -ENOMEM. */
static int fips_like_add(struct fips *fi, const struct pfx_mapping *m, uint64_t prev_end,
			 uint32_t path)
{
	struct fips_like *e = &fi->like[fi->nlike % FIPS_LIKE];

	*e = (struct fips_like){
		.gap = m->start - prev_end, .len = m->end - m->start, .pgoff = m->pgoff,
		.path = path, .prot = m->prot, .flags = m->flags, .anon = m->pgoff == m->start,
	};
	fi->nlike++;
	if (!fi->writer)
		return 0;
	/* The hash names only the last FIPS_LIKE mappings' shapes: when it
	 * holds many more (many shapes seen), it starts again from those. */
	if (fi->shapes.count >= FIPS_SHAPES_MAX) {
		pfx_u64map_free(&fi->shapes);
		if (pfx_u64map_init(&fi->shapes, sizeof(uint64_t)) < 0)
			return -ENOMEM;
	}
	for (uint64_t j = fi->shapes.count ? fi->nlike - 1 :
			  fi->nlike > FIPS_LIKE ? fi->nlike - FIPS_LIKE : 0; j < fi->nlike; j++) {
		bool is_new;
		uint64_t *slot = pfx_u64map_upsert(&fi->shapes,
						   fips_like_key(&fi->like[j % FIPS_LIKE]), &is_new);

		if (!slot)
			return -ENOMEM;
		*slot = j + 1;	/* its index + 1 */
	}
	return 0;
}

/* Writer: the latest of the last FIPS_LIKE mappings with m's shape
 * (1 = the one before it), *same_gap when its distance from the mapping
 * before is m's too; 0 for none. */
static unsigned fips_like_find(const struct fips *fi, const struct pfx_mapping *m,
			       uint64_t prev_end, uint32_t path)
{
	struct fips_like e = {
		.len = m->end - m->start, .pgoff = m->pgoff, .path = path, .prot = m->prot,
		.flags = m->flags, .anon = m->pgoff == m->start,
	};
	const uint64_t *slot = u64map_find(&fi->shapes, fips_like_key(&e));
	uint64_t k = slot ? fi->nlike + 1 - *slot : 0;

	if (!slot || k > FIPS_LIKE || !fips_like_same(&e, &fi->like[(*slot - 1) % FIPS_LIKE]))
		return 0;
	return (unsigned)k;
}

/* A SPACE item: pid's mappings before it are not its own. */
static void fips_space_begin(struct fips *fi, uint32_t pid)
{
	uint32_t *slot = fi->nmap ? u64map_find(&fi->spaces, pid) : NULL;

	if (slot) {
		fips_release(fi, *slot);
		*slot = 0;
	}
}

/* The file ip of ip (the latest of pid's mappings holding it): true and
 * *path, *off; false when no mapping holds it or it cannot have an id. */
static bool fips_file_ip(struct fips *fi, uint32_t pid, uint64_t ip, uint32_t *path, uint64_t *off)
{
	const struct fips_map *m;

	FIPS_FOREACH(fi, pid, m) {
		if (ip >= m->start && ip < m->end) {
			*path = m->path;
			*off = ip - m->bias;
			return *off < FIPS_OFF_MAX && m->path < FIPS_PATH_MAX;
		}
	}
	return false;
}

/* The ip of file ip (path, off) in pid: the latest of pid's mappings of
 * path that holds it.  true and *ip, or false. */
static bool fips_ip_of(struct fips *fi, uint32_t pid, uint32_t path, uint64_t off, uint64_t *ip)
{
	const struct fips_map *m;

	FIPS_FOREACH(fi, pid, m) {
		uint64_t a = m->bias + off;

		if (m->path == path && a >= m->start && a < m->end) {
			*ip = a;
			return true;
		}
	}
	return false;
}

/* A new id for file ip (path, off), its last address - ip dist.  The id,
 * or -ENOMEM. */
static int64_t fips_add(struct fips *fi, uint32_t path, uint64_t off, uint64_t dist)
{
	if (fi->nid >= UINT32_MAX - 1 || PFX_GROW(fi->id, fi->capid, fi->nid + 1, 256))
		return -ENOMEM;
	if (fi->writer) {
		bool is_new;
		uint32_t *slot = pfx_u64map_upsert(&fi->ids, (uint64_t)path << 40 | off, &is_new);

		if (!slot)
			return -ENOMEM;
		*slot = (uint32_t)fi->nid + 1;
	}
	fi->id[fi->nid] = (struct fips_id){ off, dist, path };
	return (int64_t)fi->nid++;
}

/* 1 + the short class of kind << 4 | access, 0 for none: short_class
 * turned round, for the writer's every fault. */
#define CLASS_KEY(kind, access) ((kind) << 4 | (access))
static const uint8_t short_class_key[4 << 4] = {
	[CLASS_KEY(PFX_FAULT_MINOR, PFX_ACCESS_KNOWN)] = 1,
	[CLASS_KEY(PFX_FAULT_MINOR, PFX_ACCESS_KNOWN | PFX_ACCESS_WRITE)] = 2,
	[CLASS_KEY(PFX_FAULT_MINOR, ACCESS_FETCH)] = 3,
	[CLASS_KEY(PFX_FAULT_MINOR, PFX_ACCESS_KNOWN | PFX_ACCESS_WRITE | PFX_ACCESS_PROT)] = 4,
	[CLASS_KEY(PFX_FAULT_MAJOR, PFX_ACCESS_KNOWN)] = 5,
	[CLASS_KEY(PFX_FAULT_MAJOR, ACCESS_FETCH)] = 6,
};

/* The short class of (kind, access), or SHORT_CLASSES. */
static inline unsigned short_class_of(unsigned kind, unsigned access)
{
	unsigned c = short_class_key[CLASS_KEY(kind & FAULT_KIND_MASK, access & FAULT_ACCESS_MASK)];

	return c ? c - 1 : SHORT_CLASSES;
}

/* The address a fault is written against: ips_base, or for a file ip
 * (id >= 0) not fetched, the ip plus the last distance at that id. */
static inline uint64_t fault_base(const struct ip_tables *it, const struct fips *fi,
				  const struct thread_state *ts, unsigned i, uint64_t ip,
				  unsigned access, unsigned nip, int64_t id)
{
	if (id >= 0 && (access & ACCESS_FETCH) != ACCESS_FETCH)
		return ip + fi->id[id].dist;
	return ips_base(it, ts, i, ip, access, nip);
}

/* After a fault at an ip new to its thread (version 7): a file ip named
 * by id keeps this fault's distance; one named by value (has_file: it is
 * in a mapping) gets the next id.  The thread expects the id after it
 * next.  0 or -ENOMEM. */
static int fips_touch(struct fips *fi, struct thread_state *ts, int64_t id, bool has_file,
		      uint32_t path, uint64_t off, uint64_t ip, uint64_t addr)
{
	if (id < 0 && has_file)
		id = fips_add(fi, path, off, addr - ip);
	else if (id >= 0)
		fi->id[id].dist = addr - ip;
	if (id < 0)
		return id == -ENOMEM ? -ENOMEM : 0;
	ts->next_id = (uint32_t)id + 1;
	return 0;
}

/* ---- writer ---- */

struct pfx_rec_writer {
	struct pfx_outfile out;
	uint32_t flags;
	uint8_t *block;		/* 8-byte block header room + payload */
	size_t used;		/* payload bytes in block */
	uint64_t bytes;		/* written to the file so far */
	uint64_t prev_time;
	uint64_t max_time;	/* the latest item time written: END's duration
				 * covers it, whatever the caller measured */
	uint32_t prev_tid;
	struct thread_state *prev_thread;	/* valid until the next insert */
	struct pfx_u64map threads;		/* tid -> struct thread_state */
	struct ip_tables ips;		/* threads' recent ips past their last */
	struct fips fips;		/* processes' mappings, file ips */
	struct pfx_strset paths;	/* mapping paths written, by number - 1 */
	uint32_t map_pid;		/* pid and end of the last mapping written */
	uint64_t map_end;
	size_t map_path;		/* its path's number (0: none yet) */
	uint64_t map_pgoff_next;	/* its offset + length */
	int err;		/* first write error, sticky */
};

static int writer_emit(struct pfx_rec_writer *w, const void *p, size_t n)
{
	if (w->err)
		return w->err;
	if (fwrite(p, 1, n, w->out.fp) != n) {
		w->err = errno ? -errno : -EIO;
		return w->err;
	}
	w->bytes += n;
	return 0;
}

static int writer_flush_block(struct pfx_rec_writer *w)
{
	if (w->used == 0)
		return w->err;
	put_u32(w->block, (uint32_t)w->used);
	put_u32(w->block + 4, crc32_buf(w->block + 8, w->used));
	w->used = 0;
	return writer_emit(w, w->block, (size_t)get_u32(w->block) + 8);
}

/* Where the next item goes; the block is flushed first if it could not
 * hold the largest item. */
static uint8_t *writer_room(struct pfx_rec_writer *w)
{
	if (w->used + REC_ITEM_MAX > REC_BLOCK_SIZE)
		writer_flush_block(w);
	return w->block + 8 + w->used;
}

static void writer_commit(struct pfx_rec_writer *w, const uint8_t *end)
{
	w->used = (size_t)(end - (w->block + 8));
}

static uint8_t *put_time(struct pfx_rec_writer *w, uint8_t *p, uint64_t t)
{
	p = put_varint(p, zigzag((int64_t)(t - w->prev_time)));
	w->prev_time = t;
	if (t > w->max_time)
		w->max_time = t;
	return p;
}

int pfx_rec_writer_open(struct pfx_rec_writer **wp, const char *path,
			const struct pfx_rec_header *h, bool named)
{
	struct pfx_rec_writer *w;
	uint8_t head[REC_MAGIC_LEN + 8 + 1024 + sizeof(h->command) + sizeof(h->events) + 64];
	uint8_t *body = head + REC_MAGIC_LEN + 8, *p = body;
	int err;

	if (!path || strcmp(path, "-") == 0)
		return -EINVAL;	/* the reader needs a seekable, complete file */
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->block = malloc(REC_BLOCK_SIZE + 8);
	if (!w->block) {
		free(w);
		return -ENOMEM;
	}
	err = pfx_u64map_init(&w->threads, sizeof(struct thread_state));
	if (!err)
		err = pfx_strset_init(&w->paths);
	if (!err)
		err = fips_init(&w->fips, true);
	if (!err)
		err = named ? pfx_outfile_open(&w->out, path) : pfx_outfile_create(&w->out, path);
	if (err < 0) {
		pfx_u64map_free(&w->threads);
		pfx_strset_free(&w->paths);
		fips_free(&w->fips);
		free(w->block);
		free(w);
		return err;
	}
	w->flags = h->flags;
	w->prev_tid = UINT32_MAX - 1;	/* no fault yet: the first one writes its tid */

	p = put_varint(p, h->page_size);
	p = put_varint(p, h->flags);
	p = put_varint(p, h->start_realtime_ns);
	p = put_string(p, h->kernel, sizeof(h->kernel) - 1);
	p = put_string(p, h->command, sizeof(h->command) - 1);
	p = put_string(p, h->source, sizeof(h->source) - 1);
	p = put_string(p, h->events, sizeof(h->events) - 1);
	if (h->flags & PFX_REC_LATENCY_SAMPLED)
		p = put_varint(p, h->latency_sample);
	memcpy(head, REC_MAGIC, REC_MAGIC_LEN);
	put_u32(head + REC_MAGIC_LEN, REC_VERSION);
	put_u32(head + REC_MAGIC_LEN + 4, (uint32_t)(p - body));
	put_u32(p, crc32_buf(body, (size_t)(p - body)));
	p += 4;
	err = writer_emit(w, head, (size_t)(p - head));
	if (err < 0) {
		pfx_rec_writer_abort(w);
		return err;
	}
	*wp = w;
	return 0;
}

/* An ip new to its thread: the id of its file ip, when the reader gets
 * the ip back from it; else -1 (by value), and *has_file says whether it
 * is in a mapping (and gets an id: *path, *off). */
static int64_t writer_file_ip(struct pfx_rec_writer *w, uint32_t pid, uint64_t ip,
			      uint32_t *path, uint64_t *off, bool *has_file)
{
	uint32_t *slot;
	uint64_t back;

	*has_file = fips_file_ip(&w->fips, pid, ip, path, off);
	if (!*has_file)
		return -1;
	slot = u64map_find(&w->fips.ids, (uint64_t)*path << 40 | *off);
	if (slot && fips_ip_of(&w->fips, pid, *path, *off, &back) && back == ip)
		return (int64_t)*slot - 1;
	return -1;
}

/* A long-form fault's tag, without FAULT_NEW_TID. */
static inline uint8_t long_tag(const struct pfx_fault *f)
{
	return TAG_FAULT | (f->kind & FAULT_KIND_MASK) |
	       (uint8_t)((f->access & FAULT_ACCESS_MASK) << FAULT_ACCESS_SHIFT);
}

/* A fault's ip, address and latency, once its thread (and its long tag,
 * when new_tid) is written; cls as write_fault.  fresh: the ip is new to
 * its thread (place == nip), which version 7 names by its file ip; a
 * constant where this is inlined, so the common case (an ip among the
 * thread's recent ones) does no file ip work. */
static inline __attribute__((always_inline)) int write_fault_ip(struct pfx_rec_writer *w,
								 const struct pfx_fault *f,
								 struct thread_state *ts, uint8_t *p,
								 unsigned cls, bool new_tid,
								 unsigned place, unsigned nip, bool fresh)
{
	unsigned access = f->access & FAULT_ACCESS_MASK;
	bool has_file = false;
	int64_t id = -1;
	uint32_t path = 0;
	uint64_t off = 0;

	if (fresh)
		id = writer_file_ip(w, ts->pid, f->ip, &path, &off, &has_file);
	if (cls < SHORT_CLASSES) {
		unsigned mode = !fresh ? (place < SHORT_NEAR ? place : IP_FAR) :
				id < 0 ? IP_NEW : id == ts->next_id ? IP_NEXT : IP_FILE;

		*p++ = (uint8_t)(TAG_SHORT + cls * 16 + mode);
		p = put_time(w, p, f->time_ns);
		if (mode == IP_FAR)
			p = put_varint(p, place - SHORT_NEAR);
		else if (mode == IP_FILE)
			p = put_varint(p, zigzag(id - (int64_t)ts->next_id));
		else if (mode == IP_NEW)
			p = put_varint(p, zigzag((int64_t)(f->ip - ts->ip)));
	} else {
		if (!new_tid)
			*p++ = long_tag(f);
		p = put_time(w, p, f->time_ns);
		/* 1 + a place among the recent ips, REC_IPS + 1 + a file ip's
		 * zigzag delta, or 0 and a delta */
		p = put_varint(p, !fresh ? place + 1 :
				  id >= 0 ? REC_IPS + 1 + zigzag(id - (int64_t)ts->next_id) : 0);
		if (fresh && id < 0)
			p = put_varint(p, zigzag((int64_t)(f->ip - ts->ip)));
	}
	p = put_varint(p, zigzag((int64_t)(f->addr - fault_base(&w->ips, &w->fips, ts, place,
								  f->ip, access, nip, id))));
	if (w->flags & PFX_REC_HAS_LATENCY)
		p = put_varint(p, f->latency_ns);
	if (ips_touch(&w->ips, ts, place, nip, f->ip, f->addr) < 0)
		return -ENOMEM;
	if (fresh && fips_touch(&w->fips, ts, id, has_file, path, off, f->ip, f->addr) < 0)
		return -ENOMEM;
	writer_commit(w, p);
	return 0;
}

/* write_fault_ip of an ip new to its thread: out of the common path. */
static __attribute__((noinline)) int write_fault_fresh(struct pfx_rec_writer *w,
						       const struct pfx_fault *f,
						       struct thread_state *ts, uint8_t *p,
						       unsigned cls, bool new_tid, unsigned nip)
{
	return write_fault_ip(w, f, ts, p, cls, new_tid, nip, nip, true);
}

static int write_fault(struct pfx_rec_writer *w, const struct pfx_fault *f)
{
	uint8_t *p = writer_room(w);
	struct thread_state *ts = w->prev_thread;
	unsigned place, nip, cls = short_class_of(f->kind, f->access & FAULT_ACCESS_MASK);
	bool new_tid = false;

	if (f->callchain_len && f->callchain) {
		unsigned n = f->callchain_len < PFX_REC_MAX_CALLCHAIN ? f->callchain_len
								      : PFX_REC_MAX_CALLCHAIN;

		*p++ = TAG_CALLCHAIN;
		p = put_varint(p, n);
		p = put_varint(p, f->callchain[0]);
		for (unsigned i = 1; i < n; i++)
			p = put_varint(p, zigzag((int64_t)(f->callchain[i] - f->callchain[i - 1])));
	}
	if (f->tid != w->prev_tid || !ts) {
		bool is_new;

		ts = pfx_u64map_upsert(&w->threads, f->tid, &is_new);
		if (!ts)
			return -ENOMEM;
		new_tid = true;
		*p++ = long_tag(f) | FAULT_NEW_TID;
		p = put_varint(p, f->tid);
		if (is_new) {
			p = put_varint(p, f->pid);
			ts->pid = f->pid;
		}
		w->prev_tid = f->tid;
		w->prev_thread = ts;
		cls = SHORT_CLASSES;	/* the long form: its tag names the thread */
	}
	place = ips_find(&w->ips, ts, f->ip);
	/* the last ip again: its count is not needed (any over 0 will do) */
	nip = place == 0 && ts->tab ? 1 : ips_count(&w->ips, ts);
	if (place >= nip)
		return write_fault_fresh(w, f, ts, p, cls, new_tid, nip);
	return write_fault_ip(w, f, ts, p, cls, new_tid, place, nip, false);
}

/* A MAPREF's shape byte: MAP_COMPACT | prot << 1 | flags << 4, length
 * and offset in REC_MAP_UNIT (any mmap's: prot PROT_READ|WRITE|EXEC,
 * flags MAP_SHARED/PRIVATE/SHARED_VALIDATE, page-aligned); else 0, and
 * they follow in full.  Version 6: the shape is a byte, not a varint,
 * before the pid; flags under 4; MAP_SAME_PID for a mapping of the
 * previous mapping's pid, MAP_SAME_PATH of its path (neither is written
 * again: the mappings of a process, and a file's segments, come in
 * runs); the offset field 0 for the start (anonymous), 1 for the
 * previous mapping's offset + length (a file's next segment), else 2 +
 * the offset in 4 KiB. */
#define MAP_COMPACT 0x01
#define MAP_FLAGS_V6 0x03
#define MAP_SAME_PID 0x40
#define MAP_SAME_PATH 0x80
#define REC_MAP_UNIT 4096u	/* divides every page size */

static bool map_compact(uint32_t prot, uint32_t flags, uint64_t len, uint64_t pgoff)
{
	return prot < 8 && flags <= MAP_FLAGS_V6 && len % REC_MAP_UNIT == 0 &&
	       pgoff % REC_MAP_UNIT == 0;
}

int pfx_rec_write(struct pfx_rec_writer *w, const struct pfx_rec_item *item)
{
	uint8_t *p;

	if (w->err)
		return w->err;
	switch (item->type) {
	case PFX_REC_FAULT:
		if (write_fault(w, &item->fault) < 0)
			return -ENOMEM;
		return w->err;
	case PFX_REC_MAPPING: {
		const struct pfx_mapping *m = &item->mapping;
		char path[REC_PATH_MAX + 1];
		size_t known = w->paths.n, index;
		uint64_t len = m->end >= m->start ? m->end - m->start : 0;
		struct pfx_mapping mm;
		uint8_t same_path;
		unsigned like;
		bool same_gap;

		/* the path as the reader gets it back: cut to REC_PATH_MAX */
		snprintf(path, sizeof(path), "%s", m->path ? m->path : "");
		if (!pfx_strset_add(&w->paths, path, &index))
			return -ENOMEM;
		same_path = w->paths.n == known && index + 1 == w->map_path ? MAP_SAME_PATH : 0;
		mm = *m;
		mm.end = m->start + len;	/* as the reader gets it back */
		p = writer_room(w);
		if (w->paths.n == known && m->pid == w->map_pid &&
		    (like = fips_like_find(&w->fips, &mm, w->map_end, (uint32_t)index + 1))) {
			/* like a mapping before: which one, and the start unless
			 * at its distance */
			same_gap = w->fips.like[(w->fips.nlike - like) % FIPS_LIKE].gap ==
				   m->start - w->map_end;
			*p++ = TAG_MAPLIKE;
			p = put_time(w, p, m->time_ns);
			p = put_varint(p, (uint64_t)(like - 1) << 1 | !same_gap);
			if (!same_gap)
				p = put_varint(p, zigzag((int64_t)(m->start - w->map_end)));
			goto mapped;
		}
		*p++ = TAG_MAPREF;
		p = put_time(w, p, m->time_ns);
		if (map_compact(m->prot, m->flags, len, m->pgoff)) {
			/* one byte for prot and flags, length and offset in 4 KiB */
			bool same_pid = m->pid == w->map_pid;

			*p++ = (uint8_t)(MAP_COMPACT | m->prot << 1 | m->flags << 4 |
					 (same_pid ? MAP_SAME_PID : 0) | same_path);
			if (!same_pid)
				p = put_varint(p, zigzag((int64_t)m->pid - (int64_t)w->map_pid));
			p = put_varint(p, zigzag((int64_t)(m->start - w->map_end)));
			p = put_varint(p, len / REC_MAP_UNIT);
			p = put_varint(p, m->pgoff == m->start ? 0 :
					  m->pgoff == w->map_pgoff_next ? 1 : m->pgoff / REC_MAP_UNIT + 2);
		} else {
			*p++ = same_path;
			p = put_varint(p, zigzag((int64_t)m->pid - (int64_t)w->map_pid));
			p = put_varint(p, zigzag((int64_t)(m->start - w->map_end)));
			p = put_varint(p, len);
			p = put_varint(p, m->pgoff);
			p = put_varint(p, m->prot);
			p = put_varint(p, m->flags);
		}
		if (w->paths.n > known) {	/* a new path: 0, then the path */
			*p++ = 0;
			p = put_string(p, path, REC_PATH_MAX);
		} else if (!same_path) {
			p = put_varint(p, (uint64_t)index + 1);
		}
mapped:
		if (fips_map_add(&w->fips, m->pid, m->start, m->start + len, m->pgoff,
				 (uint32_t)index + 1) < 0)
			return -ENOMEM;
		if (fips_like_add(&w->fips, &mm, w->map_end, (uint32_t)index + 1) < 0)
			return -ENOMEM;
		w->map_path = index + 1;
		w->map_pgoff_next = m->pgoff + len;
		w->map_pid = m->pid;
		w->map_end = m->start + len;
		break;
	}
	case PFX_REC_THREAD: {
		const struct pfx_thread *t = &item->thread;

		p = writer_room(w);
		*p++ = TAG_THREAD;
		p = put_time(w, p, t->time_ns);
		p = put_varint(p, t->pid);
		p = put_varint(p, t->tid);
		p = put_string(p, t->comm, 255);
		break;
	}
	case PFX_REC_CGROUP:
		if (!(w->flags & PFX_REC_HOST_WIDE))
			return -EINVAL;	/* a version 2 file has no such item */
		p = writer_room(w);
		*p++ = TAG_CGROUP;
		p = put_time(w, p, item->cgroup.time_ns);
		p = put_varint(p, item->cgroup.pid);
		p = put_string(p, item->cgroup.path, REC_PATH_MAX);
		break;
	case PFX_REC_SPACE:
		if (!(w->flags & (PFX_REC_HOST_WIDE | PFX_REC_PER_SPACE)))
			return -EINVAL;	/* a version 2 file has no such item */
		fips_space_begin(&w->fips, item->space.pid);
		p = writer_room(w);
		*p++ = TAG_SPACE;
		p = put_time(w, p, item->space.time_ns);
		p = put_varint(p, item->space.pid);
		break;
	case PFX_REC_LOST:
		p = writer_room(w);
		*p++ = TAG_LOST;
		p = put_time(w, p, item->lost.time_ns);
		p = put_varint(p, item->lost.records);
		p = put_varint(p, item->lost.samples);
		break;
	default:
		return -EINVAL;
	}
	writer_commit(w, p);
	return w->err;
}

uint64_t pfx_rec_writer_bytes(const struct pfx_rec_writer *w)
{
	return w->bytes + w->used;
}

static void writer_free(struct pfx_rec_writer *w)
{
	pfx_u64map_free(&w->threads);
	pfx_strset_free(&w->paths);
	fips_free(&w->fips);
	free(w->ips.v);
	free(w->block);
	free(w);
}

int pfx_rec_writer_close(struct pfx_rec_writer *w, const struct pfx_rec_totals *t)
{
	uint8_t *p = writer_room(w);
	int err;

	if (t->has_counted) {
		*p++ = TAG_COUNTED;
		p = put_varint(p, t->counted_minor);
		p = put_varint(p, t->counted_major);
	}
	*p++ = TAG_END;
	p = put_varint(p, t->faults);
	p = put_varint(p, t->minor);
	p = put_varint(p, t->major);
	p = put_varint(p, t->lost_records);
	p = put_varint(p, t->lost_samples);
	/* A reader calls a file whose items lie past its duration corrupted. */
	p = put_varint(p, t->duration_ns > w->max_time ? t->duration_ns : w->max_time);
	writer_commit(w, p);
	err = writer_flush_block(w);
	if (err < 0) {
		pfx_rec_writer_abort(w);
		return err;
	}
	err = pfx_outfile_commit(&w->out);
	writer_free(w);
	return err;
}

void pfx_rec_writer_abort(struct pfx_rec_writer *w)
{
	if (!w)
		return;
	pfx_outfile_abort(&w->out);
	writer_free(w);
}

/* ---- reader ---- */

struct pfx_rec_reader {
	/* A file is read with pread, one block at a time, into buf: not
	 * mmap'ed, since a file its owner truncates while root reads it
	 * would kill the reader with SIGBUS.  pfx_rec_reader_open_mem's
	 * bytes are used in place (data). */
	const uint8_t *data;	/* in memory; NULL when reading fd */
	int fd;			/* -1 for data */
	uint8_t *buf;		/* fd: the bytes last read */
	size_t buf_cap;
	size_t size;		/* bytes in the file when opened */
	size_t pos;		/* next block header */
	size_t cur_base;	/* file offset of cur_start */
	const uint8_t *cur_start;
	struct cursor cur;	/* inside the current block */
	struct pfx_rec_header header;
	struct pfx_rec_totals totals;
	bool done, has_totals;
	int err;		/* sticky error once returned */
	uint64_t prev_time;
	uint64_t max_time;	/* latest item time read: END's duration covers it */
	uint32_t prev_tid;
	struct thread_state *prev_thread;	/* valid until the next new thread */
	/* tid -> index + 1 into thread_v: 16-byte slots, and a growth of
	 * the map copies those, not the states (a file of many threads) */
	struct pfx_u64map threads;
	struct thread_state *thread_v;
	size_t nthread_v, cap_thread_v;
	uint64_t callchain[PFX_REC_MAX_CALLCHAIN];
	uint16_t callchain_len;
	struct ip_tables ips;		/* version 6: threads' recent ips */
	struct fips fips;		/* version 7: processes' mappings, file ips */
	struct pfx_strset paths;	/* MAPREF paths, by number - 1 */
	uint32_t map_pid;		/* pid and end of the last MAPREF item */
	uint64_t map_end;
	uint64_t map_path;		/* its path's number (0: none yet) */
	uint64_t map_pgoff_next;	/* its offset + length */
	char text[REC_PATH_MAX + 1];	/* path or comm of the last item */
};

/* n bytes at offset pos (pos + n <= r->size), valid until the next call;
 * NULL when the file has shrunk since it was opened (or on a read error,
 * *err says which). */
static const uint8_t *reader_bytes(struct pfx_rec_reader *r, size_t pos, size_t n, int *err)
{
	size_t done = 0;

	*err = 0;
	if (r->data)
		return r->data + pos;
	if (n > r->buf_cap) {
		uint8_t *b = realloc(r->buf, n);

		if (!b) {
			*err = -ENOMEM;
			return NULL;
		}
		r->buf = b;
		r->buf_cap = n;
	}
	while (done < n) {
		ssize_t got = pread(r->fd, r->buf + done, n - done, (off_t)(pos + done));

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			*err = got < 0 ? -errno : -ENODATA;	/* truncated meanwhile */
			return NULL;
		}
		done += (size_t)got;
	}
	return r->buf;
}

static int reader_parse_header(struct pfx_rec_reader *r)
{
	struct pfx_rec_header *h = &r->header;
	const uint8_t *p;
	struct cursor c;
	uint32_t len;
	int err;

	p = reader_bytes(r, 0, r->size < REC_MAGIC_LEN + 8 ? r->size : REC_MAGIC_LEN + 8, &err);
	if (!p)
		return err;
	if (r->size < REC_MAGIC_LEN || memcmp(p, REC_MAGIC, REC_MAGIC_LEN) != 0) {
		/* A prefix of the magic is a truncated pfx file, not a foreign one. */
		if (r->size < REC_MAGIC_LEN && memcmp(p, REC_MAGIC, r->size) == 0)
			return -ENODATA;
		return -EPROTO;
	}
	if (r->size < REC_MAGIC_LEN + 8)
		return -ENODATA;
	h->version = get_u32(p + REC_MAGIC_LEN);
	if (h->version < 1 || h->version > REC_VERSION)
		return h->version > REC_VERSION && h->version < 1000 ? -EPROTONOSUPPORT : -EBADMSG;
	len = get_u32(p + REC_MAGIC_LEN + 4);
	if (len > REC_HEADER_MAX)
		return -EBADMSG;
	if (r->size - (REC_MAGIC_LEN + 8) < (size_t)len + 4)
		return -ENODATA;
	p = reader_bytes(r, REC_MAGIC_LEN + 8, (size_t)len + 4, &err);
	if (!p)
		return err;
	c.p = p;
	c.end = c.p + len;
	c.bad = false;
	if (crc32_buf(c.p, len) != get_u32(c.end))
		return -EBADMSG;
	h->page_size = (uint32_t)get_varint(&c);
	h->flags = (uint32_t)get_varint(&c);
	h->start_realtime_ns = get_varint(&c);
	get_string(&c, h->kernel, sizeof(h->kernel) - 1);
	get_string(&c, h->command, sizeof(h->command) - 1);
	get_string(&c, h->source, sizeof(h->source) - 1);
	get_string(&c, h->events, sizeof(h->events) - 1);
	if (h->flags & PFX_REC_LATENCY_SAMPLED)
		c.bad |= (h->latency_sample = (uint32_t)get_varint(&c)) == 0;
	/* Later versions may append fields: bytes left in c are ignored. */
	if (c.bad || h->page_size == 0 || (h->page_size & (h->page_size - 1)))
		return -EBADMSG;
	r->pos = REC_MAGIC_LEN + 8 + len + 4;
	return 0;
}

static int reader_open(struct pfx_rec_reader **rp, const void *data, int fd, size_t size)
{
	struct pfx_rec_reader *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	r->data = data;
	r->fd = fd;
	r->size = size;
	r->prev_tid = UINT32_MAX - 1;
	err = reader_parse_header(r);
	if (!err)
		err = pfx_u64map_init(&r->threads, sizeof(uint32_t));
	if (!err)
		err = pfx_strset_init(&r->paths);
	if (!err)
		err = fips_init(&r->fips, false);
	if (err < 0) {
		pfx_u64map_free(&r->threads);
		pfx_strset_free(&r->paths);
		free(r->buf);
		free(r);
		return err;
	}
	*rp = r;
	return 0;
}

int pfx_rec_reader_open_mem(struct pfx_rec_reader **rp, const void *data, size_t size)
{
	return reader_open(rp, data, -1, size);
}

int pfx_rec_reader_open(struct pfx_rec_reader **rp, const char *path)
{
	struct stat st;
	int fd, err;

	/* A regular file only, checked before it is opened for reading (a
	 * FIFO would block, a device open could do anything). */
	fd = pfx_open_regular(path, &st);
	if (fd < 0)
		return fd == -EINVAL ? -EPROTO : fd;
	if (st.st_size == 0) {
		close(fd);
		return -ENODATA;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	err = reader_open(rp, NULL, fd, (size_t)st.st_size);
	if (err < 0)
		close(fd);
	return err;
}

const struct pfx_rec_header *pfx_rec_reader_header(const struct pfx_rec_reader *r)
{
	return &r->header;
}

/* A block whose length reaches past the end of the file: either the
 * file was cut inside the block (truncated: -ENODATA), or the length is
 * damaged and the block is all there (corrupted: -EBADMSG; a flipped
 * byte in a length was called "truncated").  Its checksum tells them
 * apart: the bytes of a whole block match it at some shorter length
 * (by chance 1 in 2^32 per byte looked at); the bytes of a cut one,
 * being a prefix of it, do not. */
static int past_end(struct pfx_rec_reader *r, uint32_t crc, size_t avail)
{
	size_t n = avail < REC_BLOCK_MAX ? avail : REC_BLOCK_MAX;
	uint32_t c = 0;
	const uint8_t *p;
	int err;

	if (n == 0)
		return -ENODATA;
	p = reader_bytes(r, r->pos + 8, n, &err);
	if (!p)
		return err;
	for (size_t i = 0; i < n; i++) {
		c = pfx_crc32(c, p + i, 1);
		if (c == crc)
			return -EBADMSG;
	}
	return -ENODATA;
}

/* Step into the next block; 1 if there is one, else the end/error code. */
static int reader_next_block(struct pfx_rec_reader *r)
{
	size_t left = r->size - r->pos;
	const uint8_t *p;
	uint32_t len, crc;
	int err;

	if (left == 0)
		return -ENODATA;	/* no END item: the writer did not finish */
	if (left < 8)
		return -ENODATA;
	p = reader_bytes(r, r->pos, 8, &err);
	if (!p)
		return err;
	len = get_u32(p);
	crc = get_u32(p + 4);
	if (len == 0 || len > REC_BLOCK_MAX)
		return -EBADMSG;
	if (left - 8 < len)
		return past_end(r, crc, left - 8);
	p = reader_bytes(r, r->pos + 8, len, &err);
	if (!p)
		return err;
	if (crc32_buf(p, len) != crc)
		return -EBADMSG;
	r->cur.p = p;
	r->cur.end = r->cur.p + len;
	r->cur.bad = false;
	r->cur_start = p;
	r->cur_base = r->pos + 8;
	r->pos += 8 + (size_t)len;
	return 1;
}

/* A time beyond REC_TIME_MAX marks the item bad; the latest is kept so
 * that END can check every time lies inside the recording's duration
 * (the charts size their bins from the times). */
static inline __attribute__((always_inline)) uint64_t get_time_in(struct pfx_rec_reader *r, bool room)
{
	r->prev_time += (uint64_t)unzigzag(get_varint_in(&r->cur, room));
	if (r->prev_time > REC_TIME_MAX)
		r->cur.bad = true;
	else if (r->prev_time > r->max_time)
		r->max_time = r->prev_time;
	return r->prev_time;
}

static uint64_t get_time(struct pfx_rec_reader *r)
{
	return get_time_in(r, false);
}

/* The most bytes a fault takes after its tag: tid, pid, time, address,
 * ip (version 6: its place and delta) and latency varints. */
#define REC_FAULT_MAX (7 * REC_VARINT_MAX)

/* A long-form fault's thread: a new tid (and the first time, its pid)
 * when the tag says so, else the previous fault's; 0 or the error. */
static inline __attribute__((always_inline)) int read_fault_thread(struct pfx_rec_reader *r,
								   uint8_t tag, bool room)
{
	struct cursor *c = &r->cur;

	if (tag & FAULT_NEW_TID) {
		uint64_t tid = get_varint_in(c, room);
		uint32_t *slot;
		bool is_new;

		if (c->bad || tid > UINT32_MAX)
			return -EBADMSG;
		slot = pfx_u64map_upsert(&r->threads, tid, &is_new);
		if (!slot)
			return -ENOMEM;
		if (!*slot) {
			if (r->nthread_v >= UINT32_MAX ||
			    PFX_GROW(r->thread_v, r->cap_thread_v, r->nthread_v + 1, 64))
				return -ENOMEM;
			memset(&r->thread_v[r->nthread_v], 0, sizeof(*r->thread_v));
			r->thread_v[r->nthread_v].pid = (uint32_t)get_varint_in(c, room);
			*slot = (uint32_t)++r->nthread_v;
		}
		r->prev_tid = (uint32_t)tid;
		r->prev_thread = &r->thread_v[*slot - 1];
	} else if (!r->prev_thread) {
		return -EBADMSG;	/* a fault must name its thread first */
	}
	return 0;
}

/* What ends a fault item of the fast readers: its latency (files with
 * latency), and the call chain the CALLCHAIN item before it gave. */
static inline __attribute__((always_inline)) void read_fault_end(struct pfx_rec_reader *r,
								 struct pfx_fault *f, bool room)
{
	f->latency_ns = 0;
	if (r->header.flags & PFX_REC_HAS_LATENCY) {
		uint64_t lat = get_varint_in(&r->cur, room);

		f->latency_ns = lat > UINT32_MAX ? UINT32_MAX : (uint32_t)lat;
	}
	f->callchain_len = r->callchain_len;
	f->callchain = r->callchain_len ? r->callchain : NULL;
	r->callchain_len = 0;
}

/* A fault; room: REC_FAULT_MAX bytes are left in the block, so its
 * varints are read unchecked (read_fault makes both copies). */
static inline __attribute__((always_inline)) int read_fault_in(struct pfx_rec_reader *r, uint8_t tag,
							       struct pfx_fault *f, bool room)
{
	struct cursor *c = &r->cur;
	struct thread_state *ts;
	int err = read_fault_thread(r, tag, room);

	if (err)
		return err;
	ts = r->prev_thread;
	f->kind = tag & FAULT_KIND_MASK;
	f->access = (tag >> FAULT_ACCESS_SHIFT) & FAULT_ACCESS_MASK;
	f->pid = ts->pid;
	f->tid = r->prev_tid;
	f->time_ns = get_time_in(r, room);
	ts->addr += (uint64_t)unzigzag(get_varint_in(c, room));
	ts->ip += (uint64_t)unzigzag(get_varint_in(c, room));
	f->addr = ts->addr;
	f->ip = ts->ip;
	read_fault_end(r, f, room);
	return c->bad || f->kind > PFX_FAULT_MAJOR ? -EBADMSG : 1;
}

/* The rest of a version 6 or 7 fault, once its thread, (kind, access),
 * place among the thread's recent ips (or nip: a new ip, whose delta
 * comes first unless id >= 0, a version 7 file ip) and time are known:
 * address, latency.  room as read_fault_in. */
static inline __attribute__((always_inline)) int read_fault6_tail(struct pfx_rec_reader *r,
								  struct thread_state *ts,
								  struct pfx_fault *f, unsigned place,
								  unsigned nip, int64_t id, bool room)
{
	struct cursor *c = &r->cur;
	uint64_t ip, addr, off = 0;
	uint32_t path = 0;
	bool has_file = false;

	if (place < nip) {
		ip = ips_ip(&r->ips, ts, place);
	} else if (id >= 0) {
		if ((uint64_t)id >= r->fips.nid ||
		    !fips_ip_of(&r->fips, ts->pid, r->fips.id[id].path, r->fips.id[id].off, &ip))
			return -EBADMSG;	/* no such file ip, or not mapped here */
	} else {
		ip = ts->ip + (uint64_t)unzigzag(get_varint_in(c, room));
		if (r->header.version >= 7)
			has_file = fips_file_ip(&r->fips, ts->pid, ip, &path, &off);
	}
	addr = fault_base(&r->ips, &r->fips, ts, place, ip, f->access, nip, id) +
	       (uint64_t)unzigzag(get_varint_in(c, room));
	f->pid = ts->pid;
	f->tid = r->prev_tid;
	f->addr = addr;
	f->ip = ip;
	read_fault_end(r, f, room);
	if (c->bad)
		return -EBADMSG;
	if (ips_touch(&r->ips, ts, place, nip, ip, addr) < 0)
		return -ENOMEM;
	if (place >= nip && fips_touch(&r->fips, ts, id, has_file, path, off, ip, addr) < 0)
		return -ENOMEM;
	return 1;
}

/* A version 7 file ip's id: the thread's next, plus delta. */
static inline int64_t read_file_id(const struct thread_state *ts, uint64_t delta)
{
	int64_t id = (int64_t)ts->next_id + unzigzag(delta);

	return id < 0 ? INT64_MAX : id;	/* a bad id, as one past the end */
}

/* A version 6 or 7 short-form fault (TAG_SHORT...): the previous fault's
 * thread, its ip by place unless IP_NEW (or, version 7, a file ip).
 * The bulk of a file. */
static inline __attribute__((always_inline)) int read_short_in(struct pfx_rec_reader *r, uint8_t tag,
							       struct pfx_fault *f, bool room)
{
	struct thread_state *ts = r->prev_thread;
	unsigned cls = (unsigned)(tag - TAG_SHORT) >> 4, place = tag & 15, nip, near;

	if (!ts)
		return -EBADMSG;	/* a fault must name its thread first */
	f->kind = short_class[cls][0];
	f->access = short_class[cls][1];
	f->time_ns = get_time_in(r, room);
	if (place == 0 && ts->tab)	/* the last ip again: its count is not needed */
		return read_fault6_tail(r, ts, f, 0, 1, -1, room);
	nip = ips_count(&r->ips, ts);
	if (place == IP_NEW)
		return read_fault6_tail(r, ts, f, nip, nip, -1, room);
	near = r->header.version >= 7 ? SHORT_NEAR : SHORT_NEAR6;
	if (place == near) {
		uint64_t far = get_varint_in(&r->cur, room);

		place = far < REC_IPS - near ? near + (unsigned)far : REC_IPS;
	} else if (near == SHORT_NEAR && (place == IP_NEXT || place == IP_FILE)) {
		int64_t id = ts->next_id;

		if (place == IP_FILE)
			id = read_file_id(ts, get_varint_in(&r->cur, room));
		return read_fault6_tail(r, ts, f, nip, nip, id, room);
	}
	if (place >= nip)
		return -EBADMSG;	/* a place the thread has not filled */
	return read_fault6_tail(r, ts, f, place, nip, -1, room);
}

/* A version 6 or 7 long-form fault (tag bit 7): its thread if the tag
 * says so, its ip as 1 + a place or 0 and a delta (version 7: or
 * REC_IPS + 1 + a file ip's delta). */
static int read_long6(struct pfx_rec_reader *r, uint8_t tag, struct pfx_fault *f)
{
	bool room = r->cur.end - r->cur.p >= REC_FAULT_MAX;
	struct thread_state *ts;
	int err = read_fault_thread(r, tag, room);
	uint64_t ref;
	unsigned nip;

	if (err)
		return err;
	ts = r->prev_thread;
	f->kind = tag & FAULT_KIND_MASK;
	f->access = (tag >> FAULT_ACCESS_SHIFT) & FAULT_ACCESS_MASK;
	if (f->kind > PFX_FAULT_MAJOR)
		return -EBADMSG;
	f->time_ns = get_time_in(r, room);
	ref = get_varint_in(&r->cur, room);
	nip = ips_count(&r->ips, ts);
	if (ref > REC_IPS && r->header.version >= 7)	/* a file ip */
		return read_fault6_tail(r, ts, f, nip, nip, read_file_id(ts, ref - REC_IPS - 1), room);
	if (ref > nip)
		return -EBADMSG;
	return read_fault6_tail(r, ts, f, ref ? (unsigned)ref - 1 : nip, nip, -1, room);
}

static inline __attribute__((always_inline)) int read_fault(struct pfx_rec_reader *r, uint8_t tag,
							    struct pfx_fault *f)
{
	if (r->cur.end - r->cur.p >= REC_FAULT_MAX)
		return read_fault_in(r, tag, f, true);
	return read_fault_in(r, tag, f, false);
}

static int read_callchain(struct pfx_rec_reader *r)
{
	struct cursor *c = &r->cur;
	uint64_t n = get_varint(c);

	if (n == 0 || n > PFX_REC_MAX_CALLCHAIN)
		return -EBADMSG;
	r->callchain[0] = get_varint(c);
	for (uint64_t i = 1; i < n; i++)
		r->callchain[i] = r->callchain[i - 1] + (uint64_t)unzigzag(get_varint(c));
	r->callchain_len = (uint16_t)n;
	return c->bad ? -EBADMSG : 0;
}

/* After a MAPREF or MAPLIKE item m (its path number in r->map_path):
 * what the next mapping item is written against.  1 or -ENOMEM. */
static int read_mapped(struct pfx_rec_reader *r, const struct pfx_mapping *m)
{
	r->map_pgoff_next = m->pgoff + (m->end - m->start);
	if (r->header.version >= 7) {
		if (fips_map_add(&r->fips, m->pid, m->start, m->end, m->pgoff, (uint32_t)r->map_path) < 0)
			return -ENOMEM;
		if (fips_like_add(&r->fips, m, r->map_end, (uint32_t)r->map_path) < 0)
			return -ENOMEM;
	}
	r->map_pid = m->pid;
	r->map_end = m->end;
	return 1;
}

/* Any item but a fault (read_item's rare part, kept out of the loop). */
static int read_other(struct pfx_rec_reader *r, uint8_t tag, struct pfx_rec_item *item)
{
	struct cursor *c = &r->cur;

	switch (tag) {
	case TAG_CALLCHAIN:
		return read_callchain(r) < 0 ? -EBADMSG : 0;
	case TAG_MAPPING: {
		struct pfx_mapping *m = &item->mapping;
		uint64_t len;

		item->type = PFX_REC_MAPPING;
		m->time_ns = get_time(r);
		m->pid = (uint32_t)get_varint(c);
		m->start = get_varint(c);
		len = get_varint(c);
		m->end = m->start + len;
		m->pgoff = get_varint(c);
		m->prot = (uint32_t)get_varint(c);
		m->flags = (uint32_t)get_varint(c);
		get_string(c, r->text, REC_PATH_MAX);
		m->path = r->text;
		return c->bad || m->end < m->start ? -EBADMSG : 1;
	}
	case TAG_MAPREF: {
		struct pfx_mapping *m = &item->mapping;
		uint64_t pid, len, ref, shape, prot, flags;
		bool same_path = false;

		if (r->header.version < 5)
			return -EBADMSG;
		item->type = PFX_REC_MAPPING;
		m->time_ns = get_time(r);
		if (r->header.version >= 6) {	/* shape, pid unless the same */
			if (c->p >= c->end)
				return -EBADMSG;
			shape = *c->p++;
			same_path = shape & MAP_SAME_PATH;
			shape &= ~(uint64_t)MAP_SAME_PATH;
			pid = r->map_pid;
			if ((shape & (MAP_COMPACT | MAP_SAME_PID)) != (MAP_COMPACT | MAP_SAME_PID))
				pid = (uint64_t)((int64_t)r->map_pid + unzigzag(get_varint(c)));
			m->start = r->map_end + (uint64_t)unzigzag(get_varint(c));
		} else {
			pid = (uint64_t)((int64_t)r->map_pid + unzigzag(get_varint(c)));
			m->start = r->map_end + (uint64_t)unzigzag(get_varint(c));
			shape = get_varint(c);
		}
		len = get_varint(c);
		m->pgoff = get_varint(c);
		if (shape & MAP_COMPACT) {
			if (r->header.version >= 6) {
				if (m->pgoff == 0)
					m->pgoff = m->start / REC_MAP_UNIT;
				else if (m->pgoff == 1)
					m->pgoff = r->map_pgoff_next / REC_MAP_UNIT;
				else
					m->pgoff -= 2;
			}
			if (shape > 0x7f || len > UINT64_MAX / REC_MAP_UNIT ||
			    m->pgoff > UINT64_MAX / REC_MAP_UNIT)
				return -EBADMSG;
			prot = (shape >> 1) & 7;
			flags = shape >> 4;
			if (r->header.version >= 6)
				flags &= MAP_FLAGS_V6;
			len *= REC_MAP_UNIT;
			m->pgoff *= REC_MAP_UNIT;
		} else {
			prot = get_varint(c);
			flags = get_varint(c);
			if (shape != 0 || prot > UINT32_MAX || flags > UINT32_MAX)
				return -EBADMSG;
		}
		m->prot = (uint32_t)prot;
		m->flags = (uint32_t)flags;
		m->end = m->start + len;
		ref = same_path ? r->map_path : get_varint(c);
		if (c->bad || pid > UINT32_MAX || m->end < m->start || (same_path && !ref))
			return -EBADMSG;
		m->pid = (uint32_t)pid;
		if (ref == 0) {	/* a new path */
			get_string(c, r->text, REC_PATH_MAX);
			if (c->bad)
				return -EBADMSG;
			m->path = pfx_strset_add(&r->paths, r->text, NULL);
			if (!m->path)
				return -ENOMEM;
		} else if (ref <= r->paths.n) {
			m->path = r->paths.strs[ref - 1];
		} else {
			return -EBADMSG;
		}
		r->map_path = ref ? ref : r->paths.n;
		return read_mapped(r, m);
	}
	case TAG_MAPLIKE: {
		struct pfx_mapping *m = &item->mapping;
		const struct fips_like *e;
		uint64_t v;

		if (r->header.version < 7)
			return -EBADMSG;
		item->type = PFX_REC_MAPPING;
		m->time_ns = get_time(r);
		v = get_varint(c);
		if (c->bad || (v >> 1) >= FIPS_LIKE || (v >> 1) >= r->fips.nlike)
			return -EBADMSG;
		e = &r->fips.like[(r->fips.nlike - 1 - (v >> 1)) % FIPS_LIKE];
		m->start = r->map_end + (v & 1 ? (uint64_t)unzigzag(get_varint(c)) : e->gap);
		m->end = m->start + e->len;
		if (c->bad || m->end < m->start)
			return -EBADMSG;
		m->pgoff = e->anon ? m->start : e->pgoff;
		m->prot = e->prot;
		m->flags = e->flags;
		m->pid = r->map_pid;
		m->path = r->paths.strs[e->path - 1];
		r->map_path = e->path;
		return read_mapped(r, m);
	}
	case TAG_THREAD:
		item->type = PFX_REC_THREAD;
		item->thread.time_ns = get_time(r);
		item->thread.pid = (uint32_t)get_varint(c);
		item->thread.tid = (uint32_t)get_varint(c);
		get_string(c, r->text, 255);
		item->thread.comm = r->text;
		return c->bad ? -EBADMSG : 1;
	case TAG_CGROUP:
		if (r->header.version < 3)
			return -EBADMSG;
		item->type = PFX_REC_CGROUP;
		item->cgroup.time_ns = get_time(r);
		item->cgroup.pid = (uint32_t)get_varint(c);
		get_string(c, r->text, REC_PATH_MAX);
		item->cgroup.path = r->text;
		return c->bad ? -EBADMSG : 1;
	case TAG_SPACE:
		if (r->header.version < 4)
			return -EBADMSG;
		item->type = PFX_REC_SPACE;
		item->space.time_ns = get_time(r);
		item->space.pid = (uint32_t)get_varint(c);
		if (r->header.version >= 7)
			fips_space_begin(&r->fips, item->space.pid);
		return c->bad ? -EBADMSG : 1;
	case TAG_LOST:
		item->type = PFX_REC_LOST;
		item->lost.time_ns = get_time(r);
		item->lost.records = get_varint(c);
		item->lost.samples = get_varint(c);
		return c->bad ? -EBADMSG : 1;
	case TAG_COUNTED:
		if (r->header.version < 2 || r->totals.has_counted)
			return -EBADMSG;
		r->totals.counted_minor = get_varint(c);
		r->totals.counted_major = get_varint(c);
		r->totals.has_counted = true;
		return c->bad ? -EBADMSG : 0;	/* read with END */
	case TAG_END:
		r->totals.faults = get_varint(c);
		r->totals.minor = get_varint(c);
		r->totals.major = get_varint(c);
		r->totals.lost_records = get_varint(c);
		r->totals.lost_samples = get_varint(c);
		r->totals.duration_ns = get_varint(c);
		/* END closes the file: nothing may follow it, and every
		 * item happened inside the recording. */
		if (c->bad || c->p != c->end || r->pos != r->size ||
		    r->totals.duration_ns > REC_TIME_MAX || r->max_time > r->totals.duration_ns)
			return -EBADMSG;
		r->has_totals = true;
		r->done = true;
		return 0;
	default:
		return -EBADMSG;
	}
}

static inline __attribute__((always_inline)) int read_item(struct pfx_rec_reader *r,
							   struct pfx_rec_item *item)
{
	uint8_t tag = *r->cur.p++;

	if ((uint8_t)(tag - TAG_SHORT) < SHORT_CLASSES * 16 && r->header.version >= 6) {
		item->type = PFX_REC_FAULT;
		if (r->cur.end - r->cur.p >= REC_FAULT_MAX)
			return read_short_in(r, tag, &item->fault, true);
		return read_short_in(r, tag, &item->fault, false);
	}
	if (tag & TAG_FAULT) {
		item->type = PFX_REC_FAULT;
		if (r->header.version >= 6)
			return read_long6(r, tag, &item->fault);
		return read_fault(r, tag, &item->fault);
	}
	return read_other(r, tag, item);
}

/* pfx_rec_next, inlined into pfx_rec_foreach's loop. */
static inline __attribute__((always_inline)) int rec_next(struct pfx_rec_reader *r,
							  struct pfx_rec_item *item)
{
	if (r->err)
		return r->err;
	if (r->done)
		return 0;
	for (;;) {
		int ret;

		if (r->cur.p >= r->cur.end) {
			ret = reader_next_block(r);
			if (ret < 0) {
				r->err = ret;
				return ret;
			}
			continue;
		}
		ret = read_item(r, item);
		if (ret == 0 && !r->done)
			continue;	/* a prefix item (call chain) */
		if (ret < 0)
			r->err = ret;
		return ret;
	}
}

int pfx_rec_next(struct pfx_rec_reader *r, struct pfx_rec_item *item)
{
	return rec_next(r, item);
}

int pfx_rec_foreach(struct pfx_rec_reader *r, pfx_rec_item_fn *fn, void *ctx,
		    struct pfx_rec_end *end)
{
	struct pfx_rec_item item;
	int ret;

	memset(end, 0, sizeof(*end));
	while ((ret = rec_next(r, &item)) == 1) {
		int err = fn(ctx, &item);

		if (err)
			return err;
	}
	/* The pass is over (pfx_rec_next() gives its end from now on): the
	 * threads' decoding state goes before the caller builds its views. */
	pfx_u64map_free(&r->threads);
	pfx_strset_free(&r->paths);
	free(r->thread_v);
	r->thread_v = NULL;
	free(r->ips.v);
	r->ips.v = NULL;
	r->ips.n = r->ips.cap = 0;
	fips_free(&r->fips);
	r->prev_thread = NULL;
	if (ret == -ENOMEM)
		return ret;
	if (ret == 0 && pfx_rec_reader_totals(r, &end->totals) == 0)
		return 0;
	end->error = ret < 0 ? ret : -ENODATA;
	end->offset = pfx_rec_reader_offset(r);
	return 0;
}

int pfx_rec_reader_totals(const struct pfx_rec_reader *r, struct pfx_rec_totals *totals)
{
	if (!r->has_totals)
		return -ENODATA;
	*totals = r->totals;
	return 0;
}

uint64_t pfx_rec_reader_offset(const struct pfx_rec_reader *r)
{
	if (r->cur_start && r->cur.p >= r->cur_start && r->cur.p <= r->cur.end)
		return (uint64_t)(r->cur_base + (size_t)(r->cur.p - r->cur_start));
	return r->pos;
}

void pfx_rec_reader_close(struct pfx_rec_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free(r->buf);
	pfx_u64map_free(&r->threads);
	pfx_strset_free(&r->paths);
	free(r->thread_v);
	free(r->ips.v);
	fips_free(&r->fips);
	free(r);
}

void pfx_rec_fix_checksums(void *data, size_t size)
{
	uint8_t *p = data;
	size_t pos, len;

	if (size < REC_MAGIC_LEN + 12)
		return;
	len = get_u32(p + REC_MAGIC_LEN + 4);
	pos = REC_MAGIC_LEN + 8;
	if (len > size - pos - 4)
		return;
	put_u32(p + pos + len, crc32_buf(p + pos, len));
	for (pos += len + 4; size - pos >= 8; pos += 8 + len) {
		len = get_u32(p + pos);
		if (len > size - pos - 8)
			return;
		put_u32(p + pos + 4, crc32_buf(p + pos + 8, len));
	}
}

const char *pfx_rec_latency_from(const struct pfx_rec_header *h)
{
	if (!(h->flags & PFX_REC_HAS_LATENCY))
		return "none";
	if (strcmp(h->source, "uffd") == 0)
		return "userfaultfd: fault message -> its resolution";
	return h->flags & PFX_REC_ENTRY_SW ? "page-faults -> minor/major-faults" :
	       "exceptions:page_fault_user -> minor/major-faults";
}

const char *pfx_rec_strerror(int err)
{
	switch (err) {
	case -EPROTO:
		return "not a pfx record file";
	case -EPROTONOSUPPORT:
		return "written by a newer pfx (unsupported format version)";
	case -ENODATA:
		return "file is truncated (recording did not finish)";
	case -EBADMSG:
		return "file is corrupted";
	case -ENOMEM:
		return "out of memory";
	default:
		return strerror(-err);
	}
}
