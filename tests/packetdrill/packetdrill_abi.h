/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The woshou authors
 */

#ifndef WS_PACKETDRILL_ABI_H
#define WS_PACKETDRILL_ABI_H

/*
 * The binary interface that packetdrill's --so_filename mode expects from
 * a shared object, written out from its documentation: it must match
 * google/packetdrill's gtests/net/packetdrill/packetdrill.h (struct
 * packetdrill_interface), field for field and in the same order, since
 * packetdrill allocates the struct and our init function fills it in.
 *
 * packetdrill dlopen()s the object, looks up "packetdrill_interface_init"
 * and calls it once with the --so_flags string; every later call passes
 * 'userdata' back. System calls may arrive from packetdrill's system-call
 * thread while its main thread injects packets and sleeps, so the
 * implementation must serialise them itself.
 *
 * netdev_send: one IPv4 or IPv6 datagram (no link-layer header) for the
 * stack; 0, or -1 on error.
 * netdev_receive: the next datagram the stack sent, into 'buf' of *count
 * bytes; *count is set to its length (0 when there is none) and
 * *time_usecs to when it was sent; 0, or -1 on error (packetdrill retries).
 * usleep / gettimeofday: the clock that packetdrill schedules and judges
 * events by (an adapter with a virtual clock advances it in usleep).
 */

#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

struct packetdrill_interface {
	void *userdata;
	void (*free)(void *userdata);
	int (*socket)(void *userdata, int domain, int type, int protocol);
	int (*bind)(void *userdata, int sockfd, const struct sockaddr *addr,
			socklen_t addrlen);
	int (*listen)(void *userdata, int sockfd, int backlog);
	int (*accept)(void *userdata, int sockfd, struct sockaddr *addr,
			socklen_t *addrlen);
	int (*connect)(void *userdata, int sockfd,
			const struct sockaddr *addr, socklen_t addrlen);
	ssize_t (*read)(void *userdata, int fd, void *buf, size_t count);
	ssize_t (*readv)(void *userdata, int fd, const struct iovec *iov,
			int iovcnt);
	ssize_t (*recv)(void *userdata, int sockfd, void *buf, size_t len,
			int flags);
	ssize_t (*recvfrom)(void *userdata, int sockfd, void *buf,
			size_t len, int flags, struct sockaddr *src_addr,
			socklen_t *addrlen);
	ssize_t (*recvmsg)(void *userdata, int sockfd, struct msghdr *msg,
			int flags);
	ssize_t (*write)(void *userdata, int fd, const void *buf,
			size_t count);
	ssize_t (*writev)(void *userdata, int fd, const struct iovec *iov,
			int iovcnt);
	ssize_t (*send)(void *userdata, int sockfd, const void *buf,
			size_t len, int flags);
	ssize_t (*sendto)(void *userdata, int sockfd, const void *buf,
			size_t len, int flags, const struct sockaddr *dest_addr,
			socklen_t addrlen);
	ssize_t (*sendmsg)(void *userdata, int sockfd,
			const struct msghdr *msg, int flags);
	int (*fcntl)(void *userdata, int fd, int cmd, ...);
	int (*ioctl)(void *userdata, int fd, unsigned long request, ...);
	int (*close)(void *userdata, int fd);
	int (*shutdown)(void *userdata, int sockfd, int how);
	int (*getsockopt)(void *userdata, int sockfd, int level, int optname,
			void *optval, socklen_t *optlen);
	int (*setsockopt)(void *userdata, int sockfd, int level, int optname,
			const void *optval, socklen_t optlen);
	int (*poll)(void *userdata, struct pollfd *fds, nfds_t nfds,
			int timeout);
	int (*netdev_send)(void *userdata, const void *buf, size_t count);
	int (*netdev_receive)(void *userdata, void *buf, size_t *count,
			long long *time_usecs);
	int (*usleep)(void *userdata, useconds_t usec);
	int (*gettimeofday)(void *userdata, struct timeval *tv,
			struct timezone *tz);
	int (*epoll_create)(void *userdata, int size);
	int (*epoll_ctl)(void *userdata, int epfd, int op, int fd,
			struct epoll_event *event);
	int (*epoll_wait)(void *userdata, int epfd,
			struct epoll_event *events, int maxevents, int timeout);
	int (*pipe)(void *userdata, int pipefd[2]);
	int (*splice)(void *userdata, int fd_in, loff_t *off_in, int fd_out,
			loff_t *off_out, size_t len, unsigned int flags);
};

/* The one symbol packetdrill looks up. */
typedef void (*packetdrill_interface_init_t)(const char *flags,
		struct packetdrill_interface *ifc);

void packetdrill_interface_init(const char *flags,
		struct packetdrill_interface *ifc);

#endif /* WS_PACKETDRILL_ABI_H */
