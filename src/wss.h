/* wss: the working-set size of a process over a window of time, and the
 * choice between the two ways Linux lets us measure it.
 *
 *   idle  idle page tracking (wss_idle.h): mark the target's pages idle in
 *         /sys/kernel/mm/page_idle/bitmap, wait, read back which are still
 *         idle.  Needs CONFIG_IDLE_PAGE_TRACKING and root; does not disturb
 *         the kernel's reclaim decisions (the idle flag is its own bit).
 *   refs  /proc/PID/clear_refs + the Referenced lines of /proc/PID/smaps
 *         (wss_refs.h), the wss.pl method.  Needs only ownership of the
 *         process, but clearing the referenced bits also clears what the
 *         kernel's LRU uses to pick pages to reclaim: it perturbs the target.
 *
 * A measurement is reset (start of the window) then read (end of it).
 * Both steps walk the target's pages and take time, so each page's window
 * starts when the reset reaches it and ends when the read reaches it; the
 * reading records both steps' start and end times and pfx_wss_window_s()
 * gives the window length a typical page saw.
 *
 * Every path goes under a root prefix ("" for the real system) so tests
 * can point the methods at generated fixture trees. */
#ifndef PFX_WSS_H
#define PFX_WSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum pfx_wss_method { PFX_WSS_AUTO, PFX_WSS_IDLE, PFX_WSS_REFS };

#define PFX_PAGE_IDLE_BITMAP "/sys/kernel/mm/page_idle/bitmap"

/* "auto", "idle", "refs".  0 or -EINVAL. */
int pfx_wss_method_parse(const char *name, enum pfx_wss_method *out);
const char *pfx_wss_method_name(enum pfx_wss_method method);

/* Byte counts of one scope (the process, or one mapping). */
struct pfx_wss_bytes {
	uint64_t wss;		/* referenced during the window */
	uint64_t wss_anon;	/* of which anonymous (incl. private COW copies) */
	uint64_t wss_file;	/* of which file-backed or shared memory */
	uint64_t rss;		/* resident at the end of the window */
};

struct pfx_wss_mapping {
	uint64_t start, end;	/* virtual address range */
	char *name;		/* path, [heap], [stack], or "" for anonymous */
	struct pfx_wss_bytes bytes;
};

/* One window's result. */
struct pfx_wss_reading {
	struct pfx_wss_bytes total;
	struct pfx_wss_mapping *mappings;	/* with by_mapping only */
	size_t n_mappings, mappings_cap;
	/* CLOCK_MONOTONIC (pfx_now_ns) */
	uint64_t reset_start_ns, reset_end_ns;
	uint64_t read_start_ns, read_end_ns;
};

/* The window a typical page saw: from the middle of the reset to the
 * middle of the read (both walks visit pages in address order). */
double pfx_wss_window_s(const struct pfx_wss_reading *r);
/* Free the mappings and zero the reading. */
void pfx_wss_reading_clear(struct pfx_wss_reading *r);
/* Append one mapping (name copied).  0 or -ENOMEM. */
int pfx_wss_reading_add_mapping(struct pfx_wss_reading *r, uint64_t start, uint64_t end,
				const char *name, const struct pfx_wss_bytes *bytes);

/* Why a method was chosen, for the output header. */
struct pfx_wss_choice {
	enum pfx_wss_method method;	/* PFX_WSS_IDLE or PFX_WSS_REFS */
	const char *reason;		/* static text */
};

/* Does ROOT/sys/kernel/mm/page_idle/bitmap exist?  0 if usable, else
 * -ENOENT (kernel without it) or -EACCES (not root). */
int pfx_wss_idle_probe(const char *root);
/* Resolve auto (idle where the kernel has it and we may use it, else refs);
 * an explicit method is kept as is. */
void pfx_wss_choose(enum pfx_wss_method requested, const char *root, struct pfx_wss_choice *out);

struct pfx_wss_idle;
struct pfx_wss_refs;

/* A measurement session on one process with the chosen method. */
struct pfx_wss {
	enum pfx_wss_method method;
	const char *root;
	pid_t pid;
	bool by_mapping;
	struct pfx_wss_idle *idle;	/* idle method state */
	struct pfx_wss_refs *refs;	/* refs method state */
};

/* Open the method's files for pid.  0 or -errno: -ENOENT for idle
 * without page_idle, -ESRCH without the process, -EACCES/-EPERM. */
int pfx_wss_open(struct pfx_wss *w, enum pfx_wss_method method, const char *root, pid_t pid,
		 bool by_mapping);
/* Start a window: records r->reset_*.  0 or -errno (-ESRCH: target gone). */
int pfx_wss_reset(struct pfx_wss *w, struct pfx_wss_reading *r);
/* End the window started by the last reset and fill r.  0 or -errno. */
int pfx_wss_read(struct pfx_wss *w, struct pfx_wss_reading *r);
void pfx_wss_close(struct pfx_wss *w);

#endif
