/* unwind: libdw's dwfl over one process per Dwfl, registers and stack
 * from the sample (see unwind.h). */
#include "config.h"
#include "unwind.h"

#include <elfutils/libdwfl.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Processes whose module lists are kept (a launched command's children
 * each have their own). */
#define MAX_PROCESSES 64

struct process {
	pid_t pid;
	Dwfl *dwfl;
	bool attached;		/* dwfl_attach_state done */
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

static void process_drop(struct process *p)
{
	if (p->dwfl)
		dwfl_end(p->dwfl);
	memset(p, 0, sizeof(*p));
}

/* (Re)read pid's mappings into p->dwfl.  0 or -errno. */
static int report_modules(struct process *p)
{
	int err;

	dwfl_report_begin(p->dwfl);
	err = dwfl_linux_proc_report(p->dwfl, p->pid);
	if (dwfl_report_end(p->dwfl, NULL, NULL) != 0 && !err)
		err = EIO;
	return err > 0 ? -err : err < 0 ? -EIO : 0;
}

/* The Dwfl of pid, made on first use; the oldest is replaced when full. */
static struct process *process_get(struct pfx_unwind *u, pid_t pid)
{
	struct process *p = NULL, *oldest = &u->procs[0];

	for (size_t i = 0; i < MAX_PROCESSES; i++) {
		if (u->procs[i].dwfl && u->procs[i].pid == pid) {
			p = &u->procs[i];
			break;
		}
		if (!u->procs[i].dwfl || u->procs[i].age < oldest->age)
			oldest = &u->procs[i];
	}
	if (!p) {
		p = oldest;
		process_drop(p);
		p->pid = pid;
		p->dwfl = dwfl_begin(&proc_callbacks);
		if (!p->dwfl || report_modules(p)) {
			process_drop(p);
			return NULL;
		}
	}
	p->age = ++u->clock;
	return p;
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
	/* Without the process's files there is no unwinding: the ip alone. */
	if (!p) {
		ips[0] = regs[PFX_UREG_IP];
		return 1;
	}
	/* Code outside every known file: mapped since, read the maps again. */
	if (!dwfl_addrmodule(p->dwfl, regs[PFX_UREG_IP]))
		report_modules(p);
	if (!p->attached)
		p->attached = dwfl_attach_state(p->dwfl, NULL, pid, &thread_callbacks, u);
	u->cur = (struct sample_state){ .tid = tid, .regs = regs, .stack = stack, .stack_size = stack_size };
	if (p->attached)
		dwfl_getthread_frames(p->dwfl, tid, frame_cb, &w);
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
