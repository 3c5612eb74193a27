/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unwind: libdw's dwfl over one process per Dwfl, its modules from the
 * ring's mapping records, registers and stack from the sample (see
 * unwind.h).  Built without libdw (./configure --without-libdw, or no
 * libdw-dev), pfx_unwind_open says -EOPNOTSUPP and pfx record tells the
 * user why --call-graph=dwarf is missing. */
#include "config.h"
#include "unwind.h"
#include "util.h"

#include <errno.h>

#ifndef PFX_WITH_LIBDW
int pfx_unwind_open(struct pfx_unwind **out)
{
	*out = NULL;
	return -EOPNOTSUPP;
}

void pfx_unwind_mmap(struct pfx_unwind *u, pid_t pid, uint64_t start, uint64_t len, uint64_t pgoff,
		     uint32_t prot, const char *path)
{
}

void pfx_unwind_fork(struct pfx_unwind *u, pid_t pid, pid_t ppid)
{
}

int pfx_unwind_sample(struct pfx_unwind *u, pid_t pid, pid_t tid, const uint64_t *regs,
		      const uint8_t *stack, size_t stack_size, uint64_t *ips, size_t max)
{
	return -EOPNOTSUPP;
}

void pfx_unwind_close(struct pfx_unwind *u)
{
}
#else
#include <elfutils/libdwfl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Processes kept (a launched command's children each have their own). */
#define MAX_PROCESSES 64
/* Executable file mappings kept per process. */
#define MAX_MAPS 4096

struct exec_map {
	uint64_t start, end, pgoff;
	char *path;
};

struct process {
	pid_t pid;
	bool used;
	struct exec_map *maps;	/* from MMAP2/FORK records; none: ask /proc */
	size_t n, cap;
	Dwfl *dwfl;		/* built from maps; NULL when stale */
	bool attached;		/* dwfl_attach_state done on dwfl */
	unsigned age;		/* last use, for replacing the oldest */
};

/* What the callbacks of the sample being unwound see. */
struct sample_state {
	pid_t tid;
	bool thread_given;
	const uint64_t *regs;
	const uint8_t *stack;
	size_t stack_size;
};

struct pfx_unwind {
	struct process procs[MAX_PROCESSES];
	unsigned clock;
	struct sample_state cur;
};

static char *debuginfo_path;

static const Dwfl_Callbacks proc_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &debuginfo_path,
};

/* One thread: the sample's. */
static pid_t next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	struct pfx_unwind *u = arg;

	(void)dwfl;
	if (u->cur.thread_given)
		return 0;
	u->cur.thread_given = true;
	*thread_argp = u;
	return u->cur.tid;
}

/* Stack words from the copy only: the process has moved on since. */
static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	struct pfx_unwind *u = arg;
	uint64_t sp = u->cur.regs[PFX_UREG_SP];

	(void)dwfl;
	if (addr < sp || addr - sp > u->cur.stack_size || u->cur.stack_size - (addr - sp) < sizeof(*result))
		return false;
	memcpy(result, u->cur.stack + (addr - sp), sizeof(*result));
	return true;
}

/* DWARF register numbers of x86-64: rax rdx rcx rbx rsi rdi rbp rsp
 * r8-r15, then the return address (rip) as 16. */
static bool set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	const uint64_t *r = ((struct pfx_unwind *)arg)->cur.regs;
	Dwarf_Word dwarf[17] = {
		r[PFX_UREG_AX], r[PFX_UREG_DX], r[PFX_UREG_CX], r[PFX_UREG_BX],
		r[PFX_UREG_SI], r[PFX_UREG_DI], r[PFX_UREG_BP], r[PFX_UREG_SP],
		r[PFX_UREG_R8], r[PFX_UREG_R9], r[PFX_UREG_R10], r[PFX_UREG_R11],
		r[PFX_UREG_R12], r[PFX_UREG_R13], r[PFX_UREG_R14], r[PFX_UREG_R15],
		r[PFX_UREG_IP],
	};

	return dwfl_thread_state_registers(thread, 0, 17, dwarf);
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = next_thread,
	.memory_read = memory_read,
	.set_initial_registers = set_initial_registers,
};

int pfx_unwind_open(struct pfx_unwind **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

static void drop_dwfl(struct process *p)
{
	if (p->dwfl)
		dwfl_end(p->dwfl);
	p->dwfl = NULL;
	p->attached = false;
}

static void process_drop(struct process *p)
{
	drop_dwfl(p);
	for (size_t i = 0; i < p->n; i++)
		free(p->maps[i].path);
	free(p->maps);
	memset(p, 0, sizeof(*p));
}

static struct process *process_find(struct pfx_unwind *u, pid_t pid)
{
	for (size_t i = 0; i < MAX_PROCESSES; i++)
		if (u->procs[i].used && u->procs[i].pid == pid)
			return &u->procs[i];
	return NULL;
}

/* pid's entry, made (replacing the least recently used) when missing. */
static struct process *process_get(struct pfx_unwind *u, pid_t pid)
{
	struct process *p = process_find(u, pid), *oldest = &u->procs[0];

	if (!p) {
		for (size_t i = 0; i < MAX_PROCESSES; i++)
			if (!u->procs[i].used || u->procs[i].age < oldest->age)
				oldest = &u->procs[i];
		p = oldest;
		process_drop(p);
		p->pid = pid;
		p->used = true;
	}
	p->age = ++u->clock;
	return p;
}

static int add_map(struct process *p, uint64_t start, uint64_t end, uint64_t pgoff, const char *path)
{
	struct exec_map *m;

	/* What the new mapping covers is gone. */
	for (size_t i = 0; i < p->n;) {
		if (p->maps[i].start < end && start < p->maps[i].end) {
			free(p->maps[i].path);
			p->maps[i] = p->maps[--p->n];
		} else {
			i++;
		}
	}
	if (p->n == MAX_MAPS)
		return -ENOSPC;
	if (PFX_GROW(p->maps, p->cap, p->n + 1, 16))
		return -ENOMEM;
	m = &p->maps[p->n];
	m->path = strdup(path);
	if (!m->path)
		return -ENOMEM;
	m->start = start;
	m->end = end;
	m->pgoff = pgoff;
	p->n++;
	drop_dwfl(p);
	return 0;
}

void pfx_unwind_mmap(struct pfx_unwind *u, pid_t pid, uint64_t start, uint64_t len, uint64_t pgoff,
		     uint32_t prot, const char *path)
{
	/* Only code has unwind tables; [vdso] and anonymous JIT code have no
	 * file to read them from. */
	if (!(prot & PROT_EXEC) || path[0] != '/' || start + len < start)
		return;
	add_map(process_get(u, pid), start, start + len, pgoff, path);
}

void pfx_unwind_fork(struct pfx_unwind *u, pid_t pid, pid_t ppid)
{
	struct process *parent = process_find(u, ppid), *child;

	if (!parent || pid == ppid)
		return;
	child = process_get(u, pid);
	parent = process_find(u, ppid);	/* process_get may have replaced it */
	for (size_t i = 0; parent && i < parent->n; i++)
		add_map(child, parent->maps[i].start, parent->maps[i].end, parent->maps[i].pgoff,
			parent->maps[i].path);
}

/* A Dwfl for p: its files at their load bias (the mapping's start less
 * its file offset, as perf's unwind-libdw reports them), each once; or,
 * with no mapping records, /proc/PID/maps.  0 or -errno. */
static int build_dwfl(struct process *p)
{
	int err = 0;

	p->dwfl = dwfl_begin(&proc_callbacks);
	if (!p->dwfl)
		return -ENOMEM;
	dwfl_report_begin(p->dwfl);
	if (p->n == 0) {
		err = dwfl_linux_proc_report(p->dwfl, p->pid);
		err = err > 0 ? -err : err < 0 ? -EIO : 0;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct exec_map *m = &p->maps[i];
		const char *name = strrchr(m->path, '/') + 1;

		/* A file already reported here (two code segments) fails the
		 * second time, harmlessly. */
		dwfl_report_elf(p->dwfl, name, m->path, -1, m->start - m->pgoff, false);
	}
	if (dwfl_report_end(p->dwfl, NULL, NULL) != 0 && !err)
		err = -EIO;
	if (err)
		drop_dwfl(p);
	return err;
}

struct walk {
	uint64_t *ips;
	size_t n, max;
};

static int frame_cb(Dwfl_Frame *frame, void *arg)
{
	struct walk *w = arg;
	Dwarf_Addr pc;
	bool activation;

	if (!dwfl_frame_pc(frame, &pc, &activation))
		return DWARF_CB_ABORT;
	w->ips[w->n++] = pc;
	return w->n < w->max ? DWARF_CB_OK : DWARF_CB_ABORT;
}

int pfx_unwind_sample(struct pfx_unwind *u, pid_t pid, pid_t tid, const uint64_t *regs,
		      const uint8_t *stack, size_t stack_size, uint64_t *ips, size_t max)
{
	struct walk w = { .ips = ips, .max = max };
	struct process *p;

	if (max == 0)
		return -EINVAL;
	p = process_get(u, pid);
	if (!p->dwfl && build_dwfl(p) == 0)
		p->attached = dwfl_attach_state(p->dwfl, NULL, pid, &thread_callbacks, u);
	u->cur = (struct sample_state){ .tid = tid, .regs = regs, .stack = stack, .stack_size = stack_size };
	if (p->dwfl && p->attached)
		dwfl_getthread_frames(p->dwfl, tid, frame_cb, &w);
	/* Without the process's files there is no unwinding: the ip alone. */
	if (w.n == 0)
		ips[w.n++] = regs[PFX_UREG_IP];
	return (int)w.n;
}

void pfx_unwind_close(struct pfx_unwind *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < MAX_PROCESSES; i++)
		process_drop(&u->procs[i]);
	free(u);
}
#endif /* PFX_WITH_LIBDW */
