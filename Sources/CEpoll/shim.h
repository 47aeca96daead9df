#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

/* glibc's epoll and eventfd (libc6-dev): what Swift's Glibc module leaves out, for the HTTP engine's loops. */

/* accept4 is a GNU extension the Glibc module does not declare without _GNU_SOURCE. */
extern int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);
