/* SPDX-License-Identifier: GPL-2.0-or-later */
/* code_sites: where in the program faults come from.  Names faulting
 * instructions by function (symbols.h), counts faults per function, and
 * aggregates the user call chains of 'pfx record --call-graph' into the
 * distinct chains with most faults (what 'perf report -g caller' shows).
 *
 * Chains are gathered during the report's pass (one hash per fault that
 * has a chain); names are looked up after it, for the rows shown only,
 * and only when asked: the default text view does not pay for symbols. */
#ifndef PFX_CODE_SITES_H
#define PFX_CODE_SITES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fault_kind.h"
#include "regions.h"
#include "symbols.h"
#include "u64map.h"

/* A code address, named: "touch_pages+0x18 (pfx-load)", "libc.so.6+0x8c3f0"
 * (no symbol), "[kernel]", "[vdso]+0x9b0" or "?" (no mapping). */
struct pfx_code_frame {
	uint64_t ip;
	uint32_t pid;		/* whose code, in a timeline per address space (else 0) */
	/* The region that held ip when it was first seen (index + 1; 0:
	 * none): an address space can change before the recording ends
	 * (execve, mappings replaced). */
	size_t seen_in;
	const char *function;	/* NULL when unnamed */
	uint64_t function_offset;
	const struct pfx_region *region;	/* NULL: kernel or unknown */
};

struct pfx_ip_row {
	struct pfx_code_frame code;
	uint64_t faults, major;
};

struct pfx_function_row {
	const char *function;	/* NULL: code with no symbol, grouped by mapping */
	const struct pfx_region *region;	/* NULL: kernel (kernel=true) or unknown */
	bool kernel;
	uint64_t faults, major;
};

struct pfx_chain_row {
	uint32_t pid;			/* per address space: whose chain (else 0) */
	uint32_t packed_len;		/* bytes of its frames in packed */
	uint64_t packed_at;
	uint64_t faults, major, unknown;	/* unknown: of unknown kind (fault_kind.h) */
	uint64_t latency_ns[PFX_COL_COUNT];	/* summed fault latency by kind column */
	size_t nframes;			/* innermost (the faulting ip) first */
	/* Named frames: the chains shown (nchains_shown) after finish, NULL
	 * for the others; pfx_code_chain_frames() names any chain. */
	struct pfx_code_frame *frames;
};

struct pfx_code_sites {
	struct pfx_symbols *syms;
	struct pfx_u64map chain_map;	/* chain hash -> index into chains */
	struct pfx_chain_row *chains;	/* every distinct chain; after finish, most faults first */
	size_t nchains, cap_chains;
	/* Every chain's frames as in the file: zigzag varint deltas of the
	 * ip and of seen_in, frame after frame (1-3 bytes a frame; named
	 * frames are 48 bytes: a file of chains of distinct frames needed
	 * 45 times its size). */
	uint8_t *packed;
	size_t npacked, cap_packed;
	size_t nchains_shown;
	uint64_t faults_with_chain;
	struct pfx_function_row *functions;	/* most faults first */
	size_t nfunctions, nfunctions_shown;
};

int pfx_code_sites_init(struct pfx_code_sites *cs);
void pfx_code_sites_free(struct pfx_code_sites *cs);

/* leaf_seen_in: the innermost frame is placed as its other frames are,
 * in regions as they are now. */
#define PFX_CODE_SEEN_NOW SIZE_MAX

/* Count one fault's call chain (innermost first) and its latency (0 when
 * not measured); pid: the process, when the regions are per address
 * space (its chains are its own), else 0.  A new chain's frames are
 * placed in regions as they are now, its innermost at leaf_seen_in
 * (the seen_in its ip's faults are named by) unless PFX_CODE_SEEN_NOW.
 * 0 or -ENOMEM. */
int pfx_code_sites_add_chain(struct pfx_code_sites *cs, struct pfx_regions *regions, uint32_t pid,
			     const uint64_t *chain, size_t len, size_t leaf_seen_in, int col,
			     uint64_t latency_ns);
/* The code_frame.seen_in of ip of pid now. */
size_t pfx_code_seen_in(struct pfx_regions *regions, uint32_t pid, uint64_t ip);
/* Whether ip is kernel code (the upper half of the address space). */
bool pfx_code_is_kernel(uint64_t ip);

/* After the pass: name the top chains' frames and the first nshown of
 * ips (every faulting ip, most faults first, only code.ip, pid and seen_in set), and count
 * faults per function over all n of them.  top: chain and function rows
 * to keep; UINT_MAX: all, and the chains get no named frames (the
 * exports name them one at a time, pfx_code_chain_frames()).  0 or -ENOMEM. */
int pfx_code_sites_finish(struct pfx_code_sites *cs, struct pfx_regions *regions,
			  struct pfx_ip_row *ips, size_t n, size_t nshown, unsigned top);

/* The frames of chain c, named, into out (PFX_REC_MAX_CALLCHAIN of
 * them): its frames if it has them, else decoded and named now (the
 * exports go through every chain one at a time).  The count. */
size_t pfx_code_chain_frames(const struct pfx_code_sites *cs, const struct pfx_regions *regions,
			     const struct pfx_chain_row *c, struct pfx_code_frame *out);

/* Name the code address of frame (ip, pid and seen_in set) by the region
 * it was seen in; return_address: a caller's frame (the call is the
 * instruction before it, which may end the function). */
void pfx_code_name(struct pfx_code_sites *cs, const struct pfx_regions *regions, bool return_address,
		   struct pfx_code_frame *frame);

/* Print a named frame into buf ("touch_pages+0x18 (pfx-load)"). */
void pfx_code_frame_format(const struct pfx_code_frame *frame, char *buf, size_t size);
/* The function row's name: "touch_pages (pfx-load)", "pfx-load" (no
 * symbol), "[kernel]" or "?". */
void pfx_function_row_format(const struct pfx_function_row *row, char *buf, size_t size);

#endif
