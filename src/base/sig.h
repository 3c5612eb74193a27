/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sig: Ctrl-C, SIGTERM and SIGHUP ask pfx to stop and finalise its output.
 * Handlers only set a flag; loops poll pfx_sig_stop_requested() and
 * blocking calls return EINTR because handlers are installed without
 * SA_RESTART. */
#ifndef PFX_SIG_H
#define PFX_SIG_H

#include <stdbool.h>

/* Install the stop handlers (SIGINT, SIGTERM, SIGHUP); SIGPIPE is ignored
 * so writes to a closed pipe return EPIPE instead of killing pfx. */
void pfx_sig_install(void);
bool pfx_sig_stop_requested(void);
/* The signal that asked for the stop (0 if none): forwarded to a launched CMD. */
int pfx_sig_stop_signal(void);
/* SIGUSR1 asks for a dump (record --flight): install its handler (only
 * then: else SIGUSR1 keeps its default, the end of pfx), and take the
 * request (true once per signal received since the last call). */
void pfx_sig_install_dump(void);
bool pfx_sig_dump_requested(void);

#endif
