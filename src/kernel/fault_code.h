/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fault_code: the x86 page-fault error code that the
 * exceptions:page_fault_user tracepoint carries (arch/x86/include/asm/
 * trap_pf.h, enum x86_pf_error_code), decoded in this one place into the
 * access bits every fault of pfx carries (the record file stores them,
 * recfile.h), whichever source saw the code. */
#ifndef PFX_FAULT_CODE_H
#define PFX_FAULT_CODE_H

#include <stdint.h>

enum x86_pf_bits {
	X86_PF_PROT = 1 << 0,	/* 0: page not present; 1: protection violation */
	X86_PF_WRITE = 1 << 1,	/* 0: read; 1: write */
	X86_PF_USER = 1 << 2,	/* fault from user mode */
	X86_PF_RSVD = 1 << 3,	/* reserved bit set in a paging entry */
	X86_PF_INSTR = 1 << 4,	/* instruction fetch */
	X86_PF_PK = 1 << 5,	/* protection keys */
	X86_PF_SHSTK = 1 << 6,	/* shadow stack */
};

/* Access bits, decoded from the error code when the fault's entry
 * (exceptions:page_fault_user) was seen. */
enum pfx_fault_access {
	PFX_ACCESS_KNOWN = 1 << 0,	/* the bits below are valid */
	PFX_ACCESS_WRITE = 1 << 1,
	PFX_ACCESS_EXEC = 1 << 2,
	PFX_ACCESS_PROT = 1 << 3,	/* page was present: protection fault (COW, ...) */
};

/* pfx_fault_access bits for an error code, PFX_ACCESS_KNOWN set. */
uint8_t pfx_fault_access_from_code(uint64_t error_code);

#endif
