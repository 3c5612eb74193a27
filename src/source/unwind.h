/* SPDX-License-Identifier: GPL-2.0-or-later */
/* unwind: user call chains from a copy of the stack, unwound with the DWARF
 * call frame information of the mapped files (libdw's dwfl), as
 * 'perf record --call-graph dwarf' does.  For code built without frame
 * pointers (Debian's libc, most distribution binaries) the frame-pointer
 * chain stops or goes wrong at the first such frame; the .eh_frame tables
 * every x86-64 ELF carries do not.
 *
 * Input per sample: the user registers and the top of the user stack the
 * kernel copied at the fault (PERF_SAMPLE_REGS_USER, PERF_SAMPLE_STACK_USER;
 * register order below).  The unwinder reads stack words only from that
 * copy, and the code's unwind tables from the files the process maps.
 * Which files, where: told by the ring's MMAP2 and FORK records
 * (pfx_unwind_mmap/fork, in ring order, so a process that is gone by the
 * time its samples are read still unwinds); for a process none were seen
 * for (attached: mapped before recording began), /proc/PID/maps while it
 * lives.  No printing; -errno. */
#ifndef PFX_UNWIND_H
#define PFX_UNWIND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The user registers asked of the kernel, in the order of
 * arch/x86/include/uapi/asm/perf_regs.h (the sample holds them in bit
 * order): AX BX CX DX SI DI BP SP IP, then R8-R15. */
enum {
	PFX_UREG_AX, PFX_UREG_BX, PFX_UREG_CX, PFX_UREG_DX, PFX_UREG_SI, PFX_UREG_DI,
	PFX_UREG_BP, PFX_UREG_SP, PFX_UREG_IP,
	PFX_UREG_R8, PFX_UREG_R9, PFX_UREG_R10, PFX_UREG_R11, PFX_UREG_R12, PFX_UREG_R13,
	PFX_UREG_R14, PFX_UREG_R15,
	PFX_UREG_COUNT
};
/* PERF_REG_X86_AX..IP are bits 0-8, R8..R15 bits 16-23. */
#define PFX_UNWIND_REGS_MASK (UINT64_C(0x1ff) | (UINT64_C(0xff) << 16))

struct pfx_unwind;

int pfx_unwind_open(struct pfx_unwind **out);
/* A mapping of process pid (an MMAP2 record); only executable mappings of
 * files matter.  It replaces what it overlaps (execve, munmap + mmap). */
void pfx_unwind_mmap(struct pfx_unwind *u, pid_t pid, uint64_t start, uint64_t len, uint64_t pgoff,
		     uint32_t prot, const char *path);
/* pid was forked from ppid: it starts with ppid's mappings. */
void pfx_unwind_fork(struct pfx_unwind *u, pid_t pid, pid_t ppid);
/* Unwind one sample of thread tid of process pid: regs[PFX_UREG_COUNT],
 * stack (the copy starts at regs[SP]).  Writes the faulting ip and the
 * return addresses of its callers into ips (innermost first, at most
 * max).  Number of frames (at least 1: the ip), or -errno. */
int pfx_unwind_sample(struct pfx_unwind *u, pid_t pid, pid_t tid, const uint64_t *regs,
		      const uint8_t *stack, size_t stack_size, uint64_t *ips, size_t max);
void pfx_unwind_close(struct pfx_unwind *u);

#endif
