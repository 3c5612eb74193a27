/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sig: turn stop signals into a flag the main loops poll. */
#include "config.h"
#include "sig.h"

#include <signal.h>
#include <string.h>

/* The only state a signal handler may touch. */
static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t dump_asked;

static void on_stop(int signo)
{
	stop_signal = signo;
}

static void on_dump(int signo)
{
	(void)signo;
	dump_asked = 1;
}

static void handle(int signo, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: poll()/read() must wake up */
	sigaction(signo, &sa, NULL);
}

void pfx_sig_install(void)
{
	handle(SIGINT, on_stop);
	handle(SIGTERM, on_stop);
	handle(SIGHUP, on_stop);
	signal(SIGPIPE, SIG_IGN);
}

void pfx_sig_install_dump(void)
{
	handle(SIGUSR1, on_dump);
}

bool pfx_sig_dump_requested(void)
{
	bool asked = dump_asked;

	dump_asked = 0;
	return asked;
}

bool pfx_sig_stop_requested(void)
{
	return stop_signal != 0;
}

int pfx_sig_stop_signal(void)
{
	return stop_signal;
}
