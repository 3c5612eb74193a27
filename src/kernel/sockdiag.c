/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sockdiag: the owner of a local TCP peer, from inet_diag; see sockdiag.h. */
#include "config.h"
#include "sockdiag.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int pfx_sockdiag_open(void)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	return fd < 0 ? -errno : fd;
}

/* Copy a socket address into an inet_diag id's port and address. */
static int put_addr(const struct sockaddr *sa, __be16 *port, __be32 addr[4])
{
	memset(addr, 0, 16);
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		*port = s4->sin_port;
		memcpy(addr, &s4->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		*port = s6->sin6_port;
		memcpy(addr, &s6->sin6_addr, 16);
		return 0;
	}
	return -EAFNOSUPPORT;
}

int pfx_sockdiag_peer_uid(int nlfd, const struct sockaddr *ours, const struct sockaddr *peer,
			  uint32_t *uid)
{
	static uint32_t seq;
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	union {
		struct nlmsghdr nlh;
		char bytes[1024];
	} ans;
	const struct inet_diag_msg *msg;
	ssize_t n;

	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = sizeof(req);
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST;
	req.nlh.nlmsg_seq = ++seq;
	req.r.sdiag_family = (__u8)peer->sa_family;
	req.r.sdiag_protocol = IPPROTO_TCP;
	req.r.idiag_states = ~0u;
	/* the peer's socket: its source is the peer, its destination us */
	if (peer->sa_family != ours->sa_family ||
	    put_addr(peer, &req.r.id.idiag_sport, req.r.id.idiag_src) ||
	    put_addr(ours, &req.r.id.idiag_dport, req.r.id.idiag_dst))
		return -EAFNOSUPPORT;
	req.r.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	req.r.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (sendto(nlfd, &req, sizeof(req), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	/* the kernel answers an exact lookup within sendto(): no waiting;
	 * an answer to an earlier question given up on is skipped */
	do {
		n = recv(nlfd, &ans, sizeof(ans), MSG_DONTWAIT);
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		if ((size_t)n < sizeof(ans.nlh) || !NLMSG_OK(&ans.nlh, (size_t)n))
			return -EPROTO;
	} while (ans.nlh.nlmsg_seq != seq);
	if (ans.nlh.nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(&ans.nlh);

		if (ans.nlh.nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
			return -EPROTO;
		return e->error ? e->error : -EPROTO;
	}
	if (ans.nlh.nlmsg_type != SOCK_DIAG_BY_FAMILY || ans.nlh.nlmsg_len < NLMSG_LENGTH(sizeof(*msg)))
		return -EPROTO;
	msg = NLMSG_DATA(&ans.nlh);
	if (msg->id.idiag_sport != req.r.id.idiag_sport || msg->id.idiag_dport != req.r.id.idiag_dport)
		return -EPROTO;
	/* only a socket a process holds has an owner: one closed already
	 * (TIME_WAIT, or an orphan in FIN_WAIT) or half open reads uid 0 and
	 * inode 0, and is nobody's, not root's */
	if (msg->idiag_inode == 0)
		return -ENOENT;
	*uid = msg->idiag_uid;
	return 0;
}
