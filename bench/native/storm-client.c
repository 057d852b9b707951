/*
 * bench/native/storm-client.c
 * The reconnect storm's load client when a C compiler is present (bench/src/client/native-storm.ts
 * builds it). A Node client spends more CPU per handshake than the server it loads (a net.Socket, a
 * promise and a listener per connect): on a 2-core box the storm then measures the client. This one
 * is an epoll loop over raw sockets: connect, write one pre-built upgrade request, read until the end
 * of the 101 head, keep the socket open. Commands on stdin, one per line:
 *   storm  -> opens N connections, at most IN_FLIGHT pending; a refused or failed one is retried at once;
 *             prints "done <elapsed ms> <retried> <p50 ms> <p99 ms>"
 *   drop   -> resets every open connection (SO_LINGER 0: a TCP RST, as a proxy cut); prints "dropped"
 * EOF ends it. Usage: storm-client <port> <path> <n> <in-flight>
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HEAD_MAX 1024

struct pending {
  int fd;
  int sent;
  int got;
  double started;
  char head[HEAD_MAX];
};

static struct sockaddr_in address;
static char request[2048];
static int request_length;
static int *open_fds;
static int open_count;
static double *latencies;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int start_connect(int epoll_fd, struct pending *p) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, (struct sockaddr *)&address, sizeof address) < 0 && errno != EINPROGRESS) {
    close(fd);
    return -1;
  }
  p->fd = fd;
  p->sent = 0;
  p->got = 0;
  p->started = now_ms();
  struct epoll_event event = {.events = EPOLLOUT | EPOLLIN, .data.ptr = p};
  if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) < 0) {
    close(fd);
    return -1;
  }
  return 0;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

// Drops a failed attempt; the caller starts it again.
static void fail(int epoll_fd, struct pending *p) {
  epoll_ctl(epoll_fd, EPOLL_CTL_DEL, p->fd, NULL);
  close(p->fd);
  p->fd = -1;
}

// One event on a pending handshake: 1 when it is open, -1 when it failed, 0 when it goes on.
static int step(int epoll_fd, struct pending *p, unsigned events) {
  if (events & (EPOLLERR | EPOLLHUP)) return -1;
  if (!p->sent && (events & EPOLLOUT)) {
    if (write(p->fd, request, request_length) != request_length) return -1;
    p->sent = 1;
    struct epoll_event event = {.events = EPOLLIN, .data.ptr = p};
    epoll_ctl(epoll_fd, EPOLL_CTL_MOD, p->fd, &event);
  }
  if (!(events & EPOLLIN)) return 0;
  ssize_t n = read(p->fd, p->head + p->got, HEAD_MAX - 1 - p->got);
  if (n <= 0) return n < 0 && errno == EAGAIN ? 0 : -1;
  p->got += n;
  p->head[p->got] = 0;
  if (!strstr(p->head, "\r\n\r\n")) return p->got >= HEAD_MAX - 1 ? -1 : 0;
  return strncmp(p->head + 9, "101", 3) == 0 ? 1 : -1;
}

static void storm(int epoll_fd, int total, int in_flight) {
  struct pending *slots = calloc(in_flight, sizeof *slots);
  struct epoll_event events[256];
  int started = 0, done = 0, retried = 0;
  double begin = now_ms();
  for (int i = 0; i < in_flight && started < total; i++) {
    while (start_connect(epoll_fd, &slots[i]) < 0) retried++;
    started++;
  }
  while (done < total) {
    if (now_ms() - begin > 120e3) {
      fprintf(stderr, "storm-client: not all %d connections open after 120 s (%d open)\n", total, done);
      exit(1);
    }
    int ready = epoll_wait(epoll_fd, events, 256, 1000);
    if (ready < 0 && errno != EINTR) break;
    for (int i = 0; i < ready; i++) {
      struct pending *p = events[i].data.ptr;
      int outcome = step(epoll_fd, p, events[i].events);
      if (outcome == 0) continue;
      if (outcome < 0) {
        fail(epoll_fd, p);
        retried++;
        while (start_connect(epoll_fd, p) < 0) retried++;
        continue;
      }
      epoll_ctl(epoll_fd, EPOLL_CTL_DEL, p->fd, NULL);
      latencies[done++] = now_ms() - p->started;
      open_fds[open_count++] = p->fd;
      p->fd = -1;
      if (started < total) {
        while (start_connect(epoll_fd, p) < 0) retried++;
        started++;
      }
    }
  }
  double elapsed = now_ms() - begin;
  qsort(latencies, done, sizeof *latencies, compare);
  int p99 = done * 99 / 100;
  printf("done %.1f %d %.2f %.2f\n", elapsed, retried, done ? latencies[done / 2] : 0, done ? latencies[p99 < done ? p99 : done - 1] : 0);
  fflush(stdout);
  free(slots);
}

static void drop(void) {
  struct linger reset = {.l_onoff = 1, .l_linger = 0};
  for (int i = 0; i < open_count; i++) {
    setsockopt(open_fds[i], SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    close(open_fds[i]);
  }
  open_count = 0;
  printf("dropped\n");
  fflush(stdout);
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: storm-client <port> <path> <n> <in-flight>\n");
    return 2;
  }
  int port = atoi(argv[1]), total = atoi(argv[3]), in_flight = atoi(argv[4]);
  if (in_flight > total) in_flight = total;
  struct rlimit limit;
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  // Any valid key will do: servers check its shape, not that it is fresh.
  request_length = snprintf(request, sizeof request,
                            "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                            "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
                            argv[2], port);
  open_fds = calloc(total, sizeof *open_fds);
  latencies = calloc(total, sizeof *latencies);
  int epoll_fd = epoll_create1(0);
  char line[64];
  while (fgets(line, sizeof line, stdin)) {
    if (strncmp(line, "storm", 5) == 0) storm(epoll_fd, total, in_flight);
    else if (strncmp(line, "drop", 4) == 0) drop();
  }
  return 0;
}
