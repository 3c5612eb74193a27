/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plot-mkrec: writes a recording with the recfile writer API, shaped like
 * a real one (a program's mappings from /proc/PID/maps, a sequential pass
 * over 64 MiB of anonymous memory, major faults on a file, a little heap
 * and library traffic, latencies), for the plot tests to chart without
 * depending on 'pfx record' or the kernel.  Deterministic.
 *
 *   plot-mkrec OUT [--no-latency] [--no-faults] [--name S] [--late NS]
 *                  [--mappings N] [--exe PATH] [--lib PATH]...
 *
 * --name S: S is the recorded command and the path of the file mapping
 * (the security tests give names with newlines and gnuplot commands).
 * --exe PATH: the path of the program's mapping (every fault's IP is in it).
 * --lib PATH: one more code mapping of that path, with one fault whose IP is
 * in it (up to 16; the security tests name links to one huge file).
 * --late NS: one more fault at NS ns (the duration is that time).
 * --mappings N: N more one-page file mappings, each mapped, faulted and
 * unmapped-by-remapping in turn, as a program with N mappings.
 * Exit 0, or 1 with a message. */
#include "config.h"
#include "recfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PID 4242
#define ANON_START 0x7f3a10000000ull
#define ANON_PAGES 16384ull		/* 64 MiB */
#define FILE_START 0x7f3a40000000ull
#define FILE_PAGES 256ull
#define HEAP_START 0x55d0c2a00000ull
#define LIBC_START 0x7f3a52000000ull
#define LIBS_START 0x7f3b00000000ull

struct gen {
	struct pfx_rec_writer *w;
	struct pfx_rec_totals totals;
	uint64_t rng;
	bool latency;
};

static uint32_t rnd(struct gen *g)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return (uint32_t)g->rng;
}

static void put(struct gen *g, const struct pfx_rec_item *it)
{
	if (pfx_rec_write(g->w, it)) {
		fprintf(stderr, "plot-mkrec: write failed\n");
		exit(1);
	}
}

static void mapping(struct gen *g, uint64_t start, uint64_t pages, uint32_t prot,
		    const char *path)
{
	struct pfx_rec_item it = { .type = PFX_REC_MAPPING };

	it.mapping = (struct pfx_mapping){ .start = start, .end = start + pages * 4096,
					   .pid = PID, .prot = prot, .flags = MAP_PRIVATE,
					   .path = path };
	put(g, &it);
}

/* Latency: minor faults ~0.5-4 us with a thin tail, major ~40-400 us. */
static uint32_t latency(struct gen *g, int kind)
{
	uint32_t base = kind == PFX_FAULT_MAJOR ? 40000 : 500;

	if (!g->latency)
		return 0;
	return base + rnd(g) % (base * 6) + (rnd(g) % 100 == 0 ? base * 20 : 0);
}

static void fault_at(struct gen *g, uint64_t t, uint64_t addr, int kind, uint64_t ip)
{
	struct pfx_rec_item it = { .type = PFX_REC_FAULT };

	it.fault = (struct pfx_fault){ .time_ns = t, .addr = addr, .ip = ip,
				       .pid = PID, .tid = PID, .kind = (uint8_t)kind,
				       .access = PFX_ACCESS_KNOWN | PFX_ACCESS_WRITE,
				       .latency_ns = latency(g, kind) };
	put(g, &it);
	g->totals.faults++;
	if (kind == PFX_FAULT_MAJOR)
		g->totals.major++;
	else
		g->totals.minor++;
	g->totals.duration_ns = t;
}

static void fault(struct gen *g, uint64_t t, uint64_t addr, int kind)
{
	fault_at(g, t, addr, kind, 0x55d0c0801234);
}

static void faults(struct gen *g)
{
	uint64_t t = 1000000;

	for (unsigned i = 0; i < 40; i++)	/* start-up: libc and heap */
		fault(g, t += 20000, LIBC_START + (rnd(g) % 400) * 4096, PFX_FAULT_MINOR);
	for (unsigned i = 0; i < 30; i++)
		fault(g, t += 15000, HEAP_START + i * 4096, PFX_FAULT_MINOR);
	for (uint64_t p = 0; p < ANON_PAGES; p++)	/* the sequential pass */
		fault(g, t += 20000 + rnd(g) % 10000, ANON_START + p * 4096, PFX_FAULT_MINOR);
	for (uint64_t p = 0; p < FILE_PAGES; p++) {	/* a cold file read */
		fault(g, t += 300000, FILE_START + p * 4096, PFX_FAULT_MAJOR);
		if (p % 4 == 0)
			fault(g, t += 1000, HEAP_START + (30 + p / 4) * 4096, PFX_FAULT_MINOR);
	}
	for (unsigned i = 0; i < 2000; i++)	/* random re-touch of the anon area */
		fault(g, t += 50000, ANON_START + (rnd(g) % ANON_PAGES) * 4096, PFX_FAULT_MINOR);
}

int main(int argc, char **argv)
{
	struct pfx_rec_header h = { .page_size = 4096, .flags = PFX_REC_HAS_LATENCY };
	struct gen g = { .rng = 88172645463325252ull, .latency = true };
	bool no_faults = false;
	const char *name = NULL, *exe = "/usr/bin/pfx-load";
	unsigned long long late = 0, nmaps = 0;
	const char *libs[16];
	unsigned nlibs = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: plot-mkrec OUT [--no-latency] [--no-faults]\n");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--no-latency") == 0)
			g.latency = false;
		else if (strcmp(argv[i], "--no-faults") == 0)
			no_faults = true;
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strcmp(argv[i], "--exe") == 0 && i + 1 < argc)
			exe = argv[++i];
		else if (strcmp(argv[i], "--lib") == 0 && i + 1 < argc && nlibs < 16)
			libs[nlibs++] = argv[++i];
		else if (strcmp(argv[i], "--late") == 0 && i + 1 < argc)
			late = strtoull(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--mappings") == 0 && i + 1 < argc)
			nmaps = strtoull(argv[++i], NULL, 0);
	}
	if (!g.latency)
		h.flags = 0;
	strcpy(h.kernel, "6.18.0-test");
	snprintf(h.command, sizeof(h.command), "%s", name ? name : "plot-mkrec synthetic workload");
	strcpy(h.source, "perf");
	strcpy(h.events, "minor-faults,major-faults");
	if (pfx_rec_writer_open(&g.w, argv[1], &h, true)) {
		fprintf(stderr, "plot-mkrec: cannot create %s\n", argv[1]);
		return 1;
	}
	mapping(&g, 0x55d0c0800000ull, 16, PROT_READ | PROT_EXEC, exe);
	mapping(&g, HEAP_START, 132, PROT_READ | PROT_WRITE, "[heap]");
	mapping(&g, ANON_START, ANON_PAGES, PROT_READ | PROT_WRITE, "");
	mapping(&g, FILE_START, FILE_PAGES, PROT_READ, name ? name : "/var/tmp/pfx-load.data");
	mapping(&g, LIBC_START, 480, PROT_READ | PROT_EXEC, "/usr/lib/x86_64-linux-gnu/libc.so.6");
	mapping(&g, 0x7ffd3c000000ull, 33, PROT_READ | PROT_WRITE, "[stack]");
	if (!no_faults)
		faults(&g);
	for (unsigned long long i = 0; i < nmaps; i++) {
		/* scattered like a real address space: every 3rd page, in an
		 * order that is not the address order */
		uint64_t start = 0x10000000000ull + ((i * 7919) % nmaps) * 3 * 4096;
		char path[64];

		snprintf(path, sizeof(path), "/usr/lib/plugins/lib%llu.so", i);
		mapping(&g, start, 1, PROT_READ, path);
		fault(&g, g.totals.duration_ns + 1000, start, PFX_FAULT_MINOR);
		fault(&g, g.totals.duration_ns + 1000, start, PFX_FAULT_MINOR);
	}
	for (unsigned i = 0; i < nlibs; i++) {
		uint64_t start = LIBS_START + i * 0x1000000ull;

		mapping(&g, start, 16, PROT_READ | PROT_EXEC, libs[i]);
		fault_at(&g, g.totals.duration_ns + 1000, ANON_START, PFX_FAULT_MINOR, start + 0x1234);
	}
	if (late)
		fault(&g, late, ANON_START, PFX_FAULT_MINOR);
	if (pfx_rec_writer_close(g.w, &g.totals)) {
		fprintf(stderr, "plot-mkrec: cannot finish %s\n", argv[1]);
		return 1;
	}
	return 0;
}
