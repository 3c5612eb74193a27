/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sockdiag: who owns the other end of a TCP connection made from this
 * host.  The kernel's socket diagnostics (NETLINK_SOCK_DIAG, inet_diag:
 * what 'ss -e' shows) are asked for the one socket whose addresses are
 * the connection's, reversed: its owner's uid.  pfx serve uses it to tell
 * users apart on loopback, where every client has the same address, so
 * that one user's flood of connections cannot push out another's scrape.
 * A connection from another host (or network namespace) has no such
 * socket here: -ENOENT. */
#ifndef PFX_SOCKDIAG_H
#define PFX_SOCKDIAG_H

#include <stdint.h>

/* A netlink socket for the questions (non-blocking, close-on-exec).
 * fd or -errno. */
int pfx_sockdiag_open(void);
struct sockaddr;

/* The uid owning the peer of a TCP connection, asked on nlfd: ours is
 * the connection's local address, peer its remote one (as accept(2) and
 * getsockname(2) give them; IPv4 or IPv6).  0, -ENOENT (the peer is not
 * a socket of this host's network namespace that a process holds: from
 * another host, or closed already), or -errno. */
int pfx_sockdiag_peer_uid(int nlfd, const struct sockaddr *ours, const struct sockaddr *peer,
			  uint32_t *uid);

#endif
