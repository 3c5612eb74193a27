/* SPDX-License-Identifier: GPL-2.0-or-later */
/* launched: what every command that runs '-- CMD' (stat, record, wss,
 * thp) shares: the one exit-status rule of pfx(1), EXIT STATUS. */
#include "config.h"
#include "cmd.h"
#include "sig.h"
#include "target.h"
#include "util.h"

#include <errno.h>
#include <sys/wait.h>

int pfx_launched_status(const struct pfx_target *t)
{
	/* A command pfx stopped (its own stop signal passed on, or SIGTERM
	 * when the run was over) says nothing by its status: the run ended
	 * as asked. */
	if (!t || !t->launched || !t->exited || t->signalled || pfx_sig_stop_requested())
		return PFX_EXIT_OK;
	if (WIFEXITED(t->wait_status))
		return WEXITSTATUS(t->wait_status);
	if (WIFSIGNALED(t->wait_status))
		return 128 + WTERMSIG(t->wait_status);
	return PFX_EXIT_OK;
}

int pfx_launched_exec_status(int err)
{
	return err == -ENOENT || err == -ENOTDIR ? 127 : 126;
}
