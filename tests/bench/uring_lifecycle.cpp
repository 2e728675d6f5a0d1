// The short-connection proxy lifecycle twice on one thread (issue 21): (a) epoll with non-blocking sockets, as lean as
// Switchyard's reactor path, and (b) io_uring, to measure whether (b) saves enough proxy CPU to pay for a second data
// path. A benchmark, never a test: it prints figures and never fails on timing.
//
// Each short connection: a client connects, sends --bytes, reads the echo back and closes; the proxy accepts, dials
// the echo backend, relays both ways and closes both sockets at the first end of stream (as nginx's stream module
// does; Switchyard's half-close propagation would add a shutdown() and a read to both paths alike). The clients and
// the backend are other processes pinned to the other core, so the proxy's process figures hold only its own work
// (and io_uring's worker threads, which RUSAGE_THREAD would miss).
//
//   uring_lifecycle [--connections N] [--concurrency C] [--runs R] [--bytes B] [--fixed 0|1|2]
//   --fixed: 0 plain descriptors, 1 registered (direct) descriptors, 2 run both as separate columns (default)
#include <liburing.h>

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <string>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace {

constexpr int kRunSeconds = 120;  // a run that takes longer is broken, not slow: give up and say so
constexpr size_t kBuf = 2048;     // requests and replies are ~100 bytes; one read always drains them

[[noreturn]] void die(const char* what, int err = errno) {
  std::fprintf(stderr, "uring_lifecycle: %s: %s\n", what, std::strerror(err));
  std::exit(2);
}

void pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) die("sched_setaffinity");
}

int listener(sockaddr_in& addr) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd, 4096) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    die("listener");
  return fd;
}

// --- the other side of the proxy: an echo backend and the clients, in child processes on core 1 -------------------

// Echoes whatever it reads and closes at end of stream; exits when `stop` (a pipe) reaches end of file.
[[noreturn]] void backend(int lfd, int stop) {
  pin(1);
  int ep = epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = lfd;
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
  ev.data.fd = stop;
  epoll_ctl(ep, EPOLL_CTL_ADD, stop, &ev);
  char buf[kBuf];
  epoll_event evs[64];
  for (;;) {
    int n = epoll_wait(ep, evs, 64, 10'000);
    if (n < 0 && errno != EINTR) die("backend epoll_wait");
    for (int i = 0; i < n; ++i) {
      int fd = evs[i].data.fd;
      if (fd == stop) _exit(0);
      if (fd == lfd) {
        int c = accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK);
        if (c < 0) continue;
        ev.data.fd = c;
        epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
        continue;
      }
      ssize_t r = recv(fd, buf, sizeof buf, 0);
      if (r > 0) {
        if (send(fd, buf, size_t(r), MSG_NOSIGNAL) != r) close(fd);
      } else if (r == 0 || errno != EAGAIN) {
        close(fd);
      }
    }
  }
}

// `threads` blocking clients, `total` connections between them; the exit status counts the failed ones (max 255).
[[noreturn]] void clients(const sockaddr_in& proxy, int total, int threads, size_t bytes) {
  pin(1);
  std::atomic<int> next{0}, failed{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      std::string req(bytes, 'q');
      char buf[kBuf];
      timeval tv{5, 0};  // a lost reply fails the connection instead of hanging the run
      while (next.fetch_add(1) < total) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        size_t got = 0;
        if (connect(fd, reinterpret_cast<const sockaddr*>(&proxy), sizeof proxy) == 0 &&
            send(fd, req.data(), req.size(), MSG_NOSIGNAL) == ssize_t(req.size()))
          for (ssize_t r; got < bytes && (r = recv(fd, buf, sizeof buf, 0)) > 0;) got += size_t(r);
        if (got != bytes) failed.fetch_add(1);
        close(fd);
      }
    });
  for (auto& t : pool) t.join();
  _exit(std::min(failed.load(), 255));
}

// --- what a run measures -------------------------------------------------------------------------------------------

struct Figures {
  double thread_us = 0, process_us = 0, wall_us = 0;  // per connection
  double syscalls = 0, sqes = 0;                      // per connection
  int workers = 0;                                    // io_uring worker threads alive at the end (iou-wrk-*)
};

double cpu_us(int who) {
  rusage ru{};
  getrusage(who, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

double now_us() {
  using namespace std::chrono;
  return double(duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count());
}

int worker_threads() {  // io_uring's workers are threads of this process; only they can be here besides main
  int n = -1;
  if (DIR* d = opendir("/proc/self/task")) {
    for (dirent* e; (e = readdir(d));) n += e->d_name[0] != '.';
    closedir(d);
  }
  return n;
}

// --- (a) epoll -----------------------------------------------------------------------------------------------------

// Every system call the proxy makes in (a) goes through S(), so the count is exact.
uint64_t g_calls = 0;
#define S(call) (++g_calls, (call))

namespace ep {

struct Conn {
  int c = -1, b = -1;
  bool connected = false;   // the backend handshake has completed
  bool c_waiting = false;   // the client's bytes arrived before that: read them once it has
  bool closed = false;
  char buf[kBuf];
};

// Tags the epoll user data with the socket's side; the listener is 0.
inline uint64_t tag(Conn* c, int side) { return reinterpret_cast<uintptr_t>(c) | uint64_t(side); }

struct Proxy {
  int lfd, ep;
  sockaddr_in backend;
  int done = 0;
  std::vector<Conn*> dead;  // freed after the batch: a later event of the same batch may name them

  void finish(Conn* k) {
    if (k->closed) return;
    k->closed = true;
    S(close(k->c));  // no EPOLL_CTL_DEL: the last close removes the descriptor from the epoll set
    S(close(k->b));
    dead.push_back(k);
    ++done;
  }

  // Reads until a short read (a TCP socket returns less than asked only when it has nothing more), and writes each
  // chunk to the peer; a ~100-byte message never fills a fresh socket buffer, so a short write is a bench failure.
  void relay(Conn* k, int from, int to) {
    for (;;) {
      ssize_t r = S(recv(from, k->buf, kBuf, 0));
      if (r > 0) {
        if (S(send(to, k->buf, size_t(r), MSG_NOSIGNAL)) != r) return finish(k);
        if (size_t(r) < kBuf) return;
      } else {
        if (r < 0 && errno == EAGAIN) return;
        return finish(k);
      }
    }
  }

  void open(int c) {
    auto* k = new Conn;
    k->c = c;
    k->b = S(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
    if (k->b < 0) die("socket");
    int r = S(connect(k->b, reinterpret_cast<sockaddr*>(&backend), sizeof backend));
    if (r != 0 && errno != EINPROGRESS) die("connect");
    // To a loopback backend the handshake has completed by the time connect() returns EINPROGRESS (the SYN-ACK is
    // processed when it releases the socket), so Switchyard asks getpeername() at once instead of waiting for EPOLLOUT.
    sockaddr_in peer;
    socklen_t len = sizeof peer;
    k->connected = r == 0 || S(getpeername(k->b, reinterpret_cast<sockaddr*>(&peer), &len)) == 0;
    // Edge-triggered, registered once per socket, as Asio's reactor does; EPOLLOUT only while a connect is pending.
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
    ev.data.u64 = tag(k, 1);
    S(epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev));
    if (!k->connected) ev.events |= EPOLLOUT;
    ev.data.u64 = tag(k, 2);
    S(epoll_ctl(ep, EPOLL_CTL_ADD, k->b, &ev));
  }

  void event(uint64_t data, uint32_t events) {
    auto* k = reinterpret_cast<Conn*>(data & ~uint64_t(3));
    if (k->closed) return;
    if ((data & 3) == 2) {
      if (!k->connected) {
        int err = 0;
        socklen_t len = sizeof err;
        S(getsockopt(k->b, SOL_SOCKET, SO_ERROR, &err, &len));
        if (err) return finish(k);
        k->connected = true;  // EPOLLOUT stays registered (Asio keeps it too); edge-triggered, it costs no wake-ups
        if (k->c_waiting) relay(k, k->c, k->b);
        if (k->closed) return;
      }
      if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) relay(k, k->b, k->c);
    } else if (!k->connected) {
      k->c_waiting = true;
    } else {
      relay(k, k->c, k->b);
    }
  }

  void accept_all() {
    for (int c; (c = S(accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK))) >= 0;) open(c);
    if (errno != EAGAIN) die("accept4");
  }
};

void run(int lfd, const sockaddr_in& backend, int total) {
  Proxy p{lfd, S(epoll_create1(0)), backend, 0, {}};
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLET;
  ev.data.u64 = 0;
  S(epoll_ctl(p.ep, EPOLL_CTL_ADD, lfd, &ev));
  epoll_event evs[64];
  double deadline = now_us() + kRunSeconds * 1e6;
  while (p.done < total && now_us() < deadline) {
    int n = S(epoll_wait(p.ep, evs, 64, 1000));
    for (int i = 0; i < n; ++i) evs[i].data.u64 == 0 ? p.accept_all() : p.event(evs[i].data.u64, evs[i].events);
    for (Conn* k : p.dead) delete k;
    p.dead.clear();
  }
  if (p.done < total) std::fprintf(stderr, "epoll: only %d of %d connections within %d s\n", p.done, total, kRunSeconds);
  S(close(p.ep));
}

}  // namespace ep

// --- (b) io_uring --------------------------------------------------------------------------------------------------

namespace ur {

enum Op : uint64_t { kAccept = 1, kSocket, kConnect, kRecvC, kRecvB, kSendC, kSendB, kNoConn };

struct alignas(16) Conn {
  int c = -1, b = -1;  // descriptors, or slots of the registered table with --fixed
  int pending = 0;     // requests in flight that name this object; it is freed when the last completes after close
  int held = 0;        // bytes from the client that arrived before the backend handshake completed
  bool connected = false, closing = false, recv_c = false, recv_b = false;
  char cb[kBuf], bc[kBuf];  // client→backend and backend→client
};

struct Proxy {
  io_uring ring;
  int lfd;
  bool fixed;
  sockaddr_in backend;
  int done = 0, live = 0;  // connections closed; objects not yet freed (a cancelled receive has yet to complete)
  uint64_t enters = 0, sqes = 0;

  // Queues a request; only a full submission queue forces a submit of its own.
  io_uring_sqe* sqe(Conn* k, Op op) {
    io_uring_sqe* s = io_uring_get_sqe(&ring);
    if (!s) {
      ++enters;
      io_uring_submit(&ring);
      if (!(s = io_uring_get_sqe(&ring))) die("io_uring_get_sqe", EBUSY);
    }
    ++sqes;
    io_uring_sqe_set_data64(s, reinterpret_cast<uintptr_t>(k) | op);
    if (k) ++k->pending;
    return s;
  }
  // After the prep helper, which clears the flags: the descriptor is a slot of the registered table with --fixed.
  void file(io_uring_sqe* s) {
    if (fixed) s->flags |= IOSQE_FIXED_FILE;
  }

  void arm_accept() {
    io_uring_sqe* s = sqe(nullptr, kAccept);
    if (fixed)
      io_uring_prep_multishot_accept_direct(s, lfd, nullptr, nullptr, 0);
    else
      io_uring_prep_multishot_accept(s, lfd, nullptr, nullptr, 0);
  }
  void recv_c(Conn* k) {
    io_uring_sqe* s = sqe(k, kRecvC);
    io_uring_prep_recv(s, k->c, k->cb, kBuf, 0);
    file(s);
    k->recv_c = true;
  }
  void recv_b(Conn* k) {
    io_uring_sqe* s = sqe(k, kRecvB);
    io_uring_prep_recv(s, k->b, k->bc, kBuf, 0);
    file(s);
    k->recv_b = true;
  }
  void send(Conn* k, Op op, int fd, const char* buf, int len) {
    io_uring_sqe* s = sqe(k, op);
    io_uring_prep_send(s, fd, buf, size_t(len), MSG_NOSIGNAL);
    file(s);
  }

  // Closes both sockets without waiting for anything: a receive still pending on one of them holds a reference to it
  // (its peer would never see the close), so it is cancelled first, hard-linked so the close runs even when there was
  // nothing to cancel. Closes and cancels post no completion on success.
  void finish(Conn* k) {
    if (k->closing) return;
    k->closing = true;
    for (int side = 0; side < 2; ++side) {
      int fd = side ? k->b : k->c;
      if (fd < 0) continue;
      if (side ? k->recv_b : k->recv_c) {
        io_uring_sqe* s = sqe(nullptr, kNoConn);
        io_uring_prep_cancel_fd(s, fd, IORING_ASYNC_CANCEL_ALL | (fixed ? IORING_ASYNC_CANCEL_FD_FIXED : 0));
        s->flags |= IOSQE_IO_HARDLINK | IOSQE_CQE_SKIP_SUCCESS;
      }
      io_uring_sqe* s = sqe(nullptr, kNoConn);
      if (fixed)
        io_uring_prep_close_direct(s, unsigned(fd));
      else
        io_uring_prep_close(s, fd);
      s->flags |= IOSQE_CQE_SKIP_SUCCESS;
    }
    ++done;
  }

  void complete(uint64_t data, int res, unsigned flags) {
    Op op = Op(data & 15);
    auto* k = reinterpret_cast<Conn*>(data & ~uint64_t(15));
    if (op == kNoConn) return;  // a cancel that found nothing, or a close that failed: the counts tell
    if (op == kAccept) {
      if (res >= 0) {
        auto* n = new Conn;
        ++live;
        n->c = res;
        io_uring_sqe* s = sqe(n, kSocket);
        if (fixed)
          io_uring_prep_socket_direct_alloc(s, AF_INET, SOCK_STREAM, 0, 0);
        else
          io_uring_prep_socket(s, AF_INET, SOCK_STREAM, 0, 0);
      } else if (res != -ENOBUFS && res != -EAGAIN) {
        die("accept", -res);
      }
      if (!(flags & IORING_CQE_F_MORE)) arm_accept();  // multishot ended (or was never supported): arm it again
      return;
    }
    --k->pending;
    if (op == kRecvC) k->recv_c = false;
    if (op == kRecvB) k->recv_b = false;
    if (!k->closing) step(k, op, res);
    if (k->closing && k->pending == 0) {
      delete k;
      --live;
    }
  }

  void step(Conn* k, Op op, int res) {
    switch (op) {
      case kSocket: {
        if (res < 0) die("socket", -res);
        k->b = res;
        io_uring_sqe* s = sqe(k, kConnect);
        io_uring_prep_connect(s, k->b, reinterpret_cast<sockaddr*>(&backend), sizeof backend);
        file(s);
        recv_c(k);  // the request is read while the handshake runs
        return;
      }
      case kConnect:
        if (res < 0) return finish(k);
        k->connected = true;
        recv_b(k);
        if (k->held) send(k, kSendB, k->b, k->cb, std::exchange(k->held, 0));
        return;
      case kRecvC:
        if (res <= 0) return finish(k);
        if (k->connected)
          send(k, kSendB, k->b, k->cb, res);
        else
          k->held = res;
        return;
      case kRecvB:
        if (res <= 0) return finish(k);
        return send(k, kSendC, k->c, k->bc, res);
      case kSendB:  // one buffer per direction: the next read waits for this write
        if (res < 0) return finish(k);
        return recv_c(k);
      case kSendC:
        if (res < 0) return finish(k);
        return recv_b(k);
      default:
        return;
    }
  }
};

// Creates the ring with the flags that suit one thread owning it, dropping them on older kernels.
void setup(io_uring& ring) {
  unsigned flags[] = {IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SINGLE_ISSUER |
                          IORING_SETUP_DEFER_TASKRUN,
                      IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN, 0};
  for (unsigned f : flags)
    if (io_uring_queue_init(1024, &ring, f) == 0) return;
  die("io_uring_queue_init");
}

void run(int lfd, const sockaddr_in& backend, int total, bool fixed, uint64_t& enters, uint64_t& sqes) {
  Proxy p{{}, lfd, fixed, backend, 0, 0, 0, 0};
  setup(p.ring);
  io_uring_register_ring_fd(&p.ring);  // saves the ring's own descriptor lookup on every io_uring_enter
  if (fixed && io_uring_register_files_sparse(&p.ring, 4096) != 0) die("io_uring_register_files_sparse");
  p.arm_accept();
  double deadline = now_us() + kRunSeconds * 1e6;
  __kernel_timespec ts{1, 0};
  while ((p.done < total || p.live > 0) && now_us() < deadline) {
    io_uring_cqe* cqe = nullptr;
    // One io_uring_enter: it submits what the last batch queued and waits for a completion. Every completion has been
    // consumed before this call, so liburing always enters here (its count is exact, as strace -c confirms).
    ++p.enters;
    int r = io_uring_submit_and_wait_timeout(&p.ring, &cqe, 1, &ts, nullptr);
    if (r < 0 && r != -ETIME && r != -EINTR) die("io_uring_submit_and_wait_timeout", -r);
    unsigned head, n = 0;
    io_uring_for_each_cqe(&p.ring, head, cqe) {
      ++n;
      p.complete(cqe->user_data, cqe->res, cqe->flags);
    }
    io_uring_cq_advance(&p.ring, n);
  }
  if (p.done < total) std::fprintf(stderr, "io_uring: only %d of %d connections within %d s\n", p.done, total, kRunSeconds);
  ++p.enters;  // the last closes are queued but not yet submitted
  io_uring_submit(&p.ring);
  enters = p.enters;
  sqes = p.sqes;
  io_uring_queue_exit(&p.ring);
}

}  // namespace ur

// --- the runs ------------------------------------------------------------------------------------------------------

struct Options {
  int connections = 20'000, concurrency = 4, runs = 3, fixed = 2;
  size_t bytes = 100;
};

// One run of one mode: 0 epoll, 1 io_uring, 2 io_uring with registered descriptors.
Figures run(int mode, const Options& o, int lfd, const sockaddr_in& paddr, const sockaddr_in& baddr) {
  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) clients(paddr, o.connections, o.concurrency, o.bytes);
  double t0 = cpu_us(RUSAGE_THREAD), p0 = cpu_us(RUSAGE_SELF), w0 = now_us();
  uint64_t calls = 0, sqes = 0;
  if (mode == 0) {
    g_calls = 0;
    ep::run(lfd, baddr, o.connections);
    calls = g_calls;
  } else {
    ur::run(lfd, baddr, o.connections, mode == 2, calls, sqes);
  }
  Figures f;
  double n = o.connections;
  f.wall_us = (now_us() - w0) / n;
  f.thread_us = (cpu_us(RUSAGE_THREAD) - t0) / n;
  f.process_us = (cpu_us(RUSAGE_SELF) - p0) / n;
  f.syscalls = double(calls) / n;
  f.sqes = double(sqes) / n;
  f.workers = worker_threads();
  int status = 0;
  waitpid(pid, &status, 0);  // bounded: every client socket has a 5 s timeout
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    std::fprintf(stderr, "run %d: %d client connections failed\n", mode, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return f;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    long v = std::strtol(argv[i + 1], nullptr, 10);
    if (a == "--connections") o.connections = int(v);
    else if (a == "--concurrency") o.concurrency = int(v);
    else if (a == "--runs") o.runs = int(v);
    else if (a == "--bytes") o.bytes = size_t(std::clamp(v, 1L, long(kBuf)));
    else if (a == "--fixed") o.fixed = int(v);
    else { std::fprintf(stderr, "usage: %s [--connections N] [--concurrency C] [--runs R] [--bytes B] [--fixed 0|1|2]\n", argv[0]); return 2; }
  }
  sockaddr_in paddr, baddr;
  int lfd = listener(paddr);
  int bfd = listener(baddr);
  fcntl(lfd, F_SETFL, O_NONBLOCK);  // (a) accepts until EAGAIN; io_uring does not mind
  int stop[2];
  if (pipe(stop) != 0) die("pipe");
  pid_t backend_pid = fork();
  if (backend_pid == 0) {
    close(stop[1]);
    backend(bfd, stop[0]);
  }
  close(bfd);
  close(stop[0]);
  pin(0);

  io_uring probe;
  bool uring = io_uring_queue_init(8, &probe, 0) == 0;
  if (uring) io_uring_queue_exit(&probe);
  else std::printf("io_uring unavailable here (%s): epoll only\n", std::strerror(errno));

  std::vector<int> modes{0};
  if (uring && o.fixed != 1) modes.push_back(1);
  if (uring && o.fixed >= 1) modes.push_back(2);
  const char* names[] = {"epoll", "io_uring", "io_uring fixed"};
  std::vector<std::vector<Figures>> all(3);
  std::printf("%d short connections per run, %d concurrent, %zu bytes each way; proxy on core 0, load on core 1\n",
              o.connections, o.concurrency, o.bytes);
  for (int r = 0; r < o.runs; ++r)
    for (int m : modes) {  // interleaved, so a change in the machine's load falls on every mode alike
      Figures f = run(m, o, lfd, paddr, baddr);
      all[size_t(m)].push_back(f);
      std::printf("run %d %-15s thread %6.2f us  process %6.2f us  wall %6.2f us  syscalls %5.2f  sqes %5.2f  "
                  "io-wq threads %d\n", r + 1, names[m], f.thread_us, f.process_us, f.wall_us, f.syscalls, f.sqes,
                  f.workers);
      std::fflush(stdout);
    }
  close(stop[1]);
  waitpid(backend_pid, nullptr, 0);

  auto med = [&](int m, double Figures::*field) {
    std::vector<double> v;
    for (auto& f : all[size_t(m)]) v.push_back(f.*field);
    return median(v);
  };
  std::printf("\nmedians of %d runs, per connection:\n", o.runs);
  std::printf("%-15s %10s %10s %10s %9s %6s %8s\n", "mode", "thread us", "process us", "wall us", "syscalls", "sqes",
              "ratio");
  for (int m : modes)
    std::printf("%-15s %10.2f %10.2f %10.2f %9.2f %6.2f %8.3f\n", names[m], med(m, &Figures::thread_us),
                med(m, &Figures::process_us), med(m, &Figures::wall_us), med(m, &Figures::syscalls),
                med(m, &Figures::sqes), med(m, &Figures::thread_us) / med(0, &Figures::thread_us));
  std::printf("ratio = proxy thread CPU / epoll's; io_uring's syscalls are its io_uring_enter calls\n");
  return 0;
}
