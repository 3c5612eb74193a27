/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fault_code: decode the x86 page-fault error code. */
#include "config.h"
#include "fault_code.h"

uint8_t pfx_fault_access_from_code(uint64_t error_code)
{
	uint8_t access = PFX_ACCESS_KNOWN;

	if (error_code & X86_PF_WRITE)
		access |= PFX_ACCESS_WRITE;
	if (error_code & X86_PF_INSTR)
		access |= PFX_ACCESS_EXEC;
	if (error_code & X86_PF_PROT)
		access |= PFX_ACCESS_PROT;
	return access;
}
