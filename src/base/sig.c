/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sig: turn stop signals into a flag the main loops poll. */
#include "config.h"
#include "sig.h"

#include <signal.h>
#include <string.h>

/* The only state a signal handler may touch. */
static volatile sig_atomic_t stop_signal;

static void on_stop(int signo)
{
	stop_signal = signo;
}

void pfx_sig_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: poll()/read() must wake up */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

bool pfx_sig_stop_requested(void)
{
	return stop_signal != 0;
}

int pfx_sig_stop_signal(void)
{
	return stop_signal;
}
