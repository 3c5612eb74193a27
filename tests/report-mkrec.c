/* SPDX-License-Identifier: GPL-2.0-or-later */
/* report-mkrec: crafts recordings (through the recfile writer) of many
 * small things, as another user could write one for root to report: the
 * report's time and memory must stay bounded by the file's size.
 *
 *   report-mkrec OUT SHAPE N
 *   report-mkrec OUT paths PATH...
 *
 * SHAPE (N of each):
 *   cgroups   host-wide: processes, each in a cgroup of its own, with a
 *             thread item, one mapping and one fault
 *   procs     host-wide: processes of 4 threads and 3 mappings each,
 *             every thread faulting in every mapping, and one fault
 *             outside any mapping
 *   threads   one process: threads, each named and faulting once
 *   mappings  one process: mappings, each inside the one before (every
 *             one cuts the older one in three), every other one faulted
 *   files     one process: one-page mappings of distinct files, each with
 *             a fault whose ip lies in it (code named per file)
 *   chains    one process: faults with distinct call chains of 128 frames
 *             (1 to 2 bytes a frame in the file)
 *   paths     one process: a code mapping of each PATH (a device, a FIFO,
 *             a link: what the report must never open), each with a fault
 *             whose ip and call chain lie in it
 * Exit 0, or 1 with a message. */
#include "config.h"
#include "recfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE 4096ull

static struct pfx_rec_writer *w;
static struct pfx_rec_totals totals;

static void put(const struct pfx_rec_item *it)
{
	if (pfx_rec_write(w, it)) {
		fprintf(stderr, "report-mkrec: write failed\n");
		exit(1);
	}
}

static void mapping(uint32_t pid, uint64_t start, uint64_t len, const char *path)
{
	struct pfx_rec_item it = { .type = PFX_REC_MAPPING };

	it.mapping = (struct pfx_mapping){ .time_ns = totals.duration_ns, .start = start,
					   .end = start + len, .pid = pid,
					   .prot = PROT_READ | PROT_WRITE | PROT_EXEC,
					   .flags = MAP_PRIVATE, .path = path };
	put(&it);
}

static void fault(uint32_t pid, uint32_t tid, uint64_t addr, uint64_t ip)
{
	struct pfx_rec_item it = { .type = PFX_REC_FAULT };

	it.fault = (struct pfx_fault){ .time_ns = ++totals.duration_ns, .addr = addr, .ip = ip,
				       .pid = pid, .tid = tid, .kind = PFX_FAULT_MINOR };
	put(&it);
	totals.faults++;
	totals.minor++;
}

static void fault_chain(uint32_t pid, uint64_t addr, uint64_t ip)
{
	struct pfx_rec_item it = { .type = PFX_REC_FAULT };
	uint64_t chain[3] = { ip, ip + 0x10, ip + 0x20 };

	it.fault = (struct pfx_fault){ .time_ns = ++totals.duration_ns, .addr = addr, .ip = ip,
				       .pid = pid, .tid = pid, .kind = PFX_FAULT_MINOR,
				       .callchain_len = 3, .callchain = chain };
	put(&it);
	totals.faults++;
	totals.minor++;
}

/* A fault whose chain of 128 frames is told apart from the others' by
 * its outermost frame (the innermost ones equal: the frames of a chain
 * differ by 16 bytes, one byte each in the file). */
static void fault_long_chain(uint32_t pid, uint64_t addr, uint64_t ip, unsigned long which)
{
	struct pfx_rec_item it = { .type = PFX_REC_FAULT };
	uint64_t chain[PFX_REC_MAX_CALLCHAIN];

	for (unsigned i = 0; i < PFX_REC_MAX_CALLCHAIN; i++)
		chain[i] = ip + i * 16;
	chain[PFX_REC_MAX_CALLCHAIN - 1] += which * 16;
	it.fault = (struct pfx_fault){ .time_ns = ++totals.duration_ns, .addr = addr, .ip = ip,
				       .pid = pid, .tid = pid, .kind = PFX_FAULT_MINOR,
				       .callchain_len = PFX_REC_MAX_CALLCHAIN, .callchain = chain };
	put(&it);
	totals.faults++;
	totals.minor++;
}

static void thread(uint32_t pid, uint32_t tid, const char *comm)
{
	struct pfx_rec_item it = { .type = PFX_REC_THREAD };

	it.thread = (struct pfx_thread){ .time_ns = totals.duration_ns, .pid = pid, .tid = tid,
					 .comm = comm };
	put(&it);
}

static void cgroup(uint32_t pid, const char *path)
{
	struct pfx_rec_item it = { .type = PFX_REC_CGROUP };

	it.cgroup = (struct pfx_proc_cgroup){ .time_ns = totals.duration_ns, .pid = pid, .path = path };
	put(&it);
}

int main(int argc, char **argv)
{
	struct pfx_rec_header h = { .page_size = 4096, .flags = PFX_REC_HOST_WIDE | PFX_REC_PER_SPACE };
	const char *shape;
	unsigned long n;
	char name[64];

	if (argc < 4) {
		fprintf(stderr, "usage: report-mkrec OUT cgroups|procs|threads|mappings|files N\n"
			"       report-mkrec OUT paths PATH...\n");
		return 1;
	}
	shape = argv[2];
	n = strcmp(shape, "paths") == 0 ? (unsigned long)argc - 3 : strtoul(argv[3], NULL, 0);
	if (strcmp(shape, "paths") == 0 || strcmp(shape, "chains") == 0)
		h.flags = PFX_REC_HAS_CALLCHAIN;
	strcpy(h.kernel, "6.18.0-test");
	strcpy(h.command, "report-mkrec");
	strcpy(h.source, "perf");
	strcpy(h.events, "minor-faults,major-faults");
	if (pfx_rec_writer_open(&w, argv[1], &h, true)) {
		fprintf(stderr, "report-mkrec: cannot create %s\n", argv[1]);
		return 1;
	}
	for (unsigned long i = 0; i < n; i++) {
		uint32_t pid = (uint32_t)(1000 + i);
		uint64_t base = 0x400000ull;

		if (strcmp(shape, "cgroups") == 0) {
			snprintf(name, sizeof(name), "/crafted/cg%lu", i);
			cgroup(pid, name);
			thread(pid, pid, "p");
			mapping(pid, base, PAGE, "/usr/bin/true");
			fault(pid, pid, base, base);
		} else if (strcmp(shape, "procs") == 0) {
			for (uint32_t m = 0; m < 3; m++)
				mapping(pid, base + m * 16 * PAGE, 4 * PAGE, m ? "" : "/usr/bin/true");
			for (uint32_t t = 0; t < 4; t++) {
				uint32_t tid = t ? (uint32_t)(4000000 + i * 4 + t) : pid;

				thread(pid, tid, "t");
				for (uint32_t m = 0; m < 3; m++)
					fault(pid, tid, base + m * 16 * PAGE + t * PAGE, base);
			}
			fault(pid, pid, 0x10000000ull, base);	/* outside every mapping */
		} else if (strcmp(shape, "threads") == 0) {
			if (i == 0)
				mapping(1000, base, PAGE, "/usr/bin/true");
			thread(1000, pid, "t");
			fault(1000, pid, base, base);
		} else if (strcmp(shape, "mappings") == 0) {
			/* each inside the last: [base + i pages, end - i pages) */
			uint64_t len = (2 * n + 2 - 2 * i) * PAGE;

			mapping(1000, base + i * PAGE, len, i % 3 ? "" : "/usr/bin/true");
			if (i % 2 == 0)
				fault(1000, 1000, base + i * PAGE, base);
		} else if (strcmp(shape, "files") == 0) {
			uint64_t start = base + i * 2 * PAGE;

			snprintf(name, sizeof(name), "/nonexistent/lib%lu.so", i);
			mapping(1000, start, PAGE, name);
			fault(1000, 1000, start, start);
		} else if (strcmp(shape, "chains") == 0) {
			if (i == 0)
				mapping(1000, base, 1 << 20, "/usr/bin/true");
			fault_long_chain(1000, base, base, i);
		} else if (strcmp(shape, "paths") == 0) {
			uint64_t start = base + i * 16 * PAGE;

			mapping(1000, start, 4 * PAGE, argv[3 + i]);
			fault_chain(1000, start, start + 0x100);
		} else {
			fprintf(stderr, "report-mkrec: unknown shape %s\n", shape);
			pfx_rec_writer_abort(w);
			return 1;
		}
	}
	if (pfx_rec_writer_close(w, &totals)) {
		fprintf(stderr, "report-mkrec: cannot finish %s\n", argv[1]);
		return 1;
	}
	return 0;
}
