// loadgen: a single-threaded epoll load generator for berth's echo benchmarks.
// Loopback only. Every run is bounded in time (and optionally in count) and prints
// one machine-readable line; see benchmarks/README.md for the modes. With --tls, tp and cr
// run over TLS instead, on one asio::ssl client (an io_context, still one thread).

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/ssl.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>
#include <openssl/ssl.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::size_t kChunk = 64 * 1024;      // tp: bytes per write
constexpr std::size_t kWindow = 4 * kChunk;    // tp: max bytes in flight per connection
constexpr std::size_t kPingSize = 64;          // pp: message size
constexpr int kMaxConnectsInFlight = 128;      // idle: stays well under every peer's backlog

struct Options {
  std::string mode;
  std::string host = "127.0.0.1";
  int port = 0;
  int conns = -1;  // -1: the mode's default
  double duration = 3.0;
  double warmup = 0.5;
  std::optional<std::uint64_t> count;
  pid_t pid = 0;
  std::string name = "?";
  std::string alloc_file;
  double connect_timeout = 30.0;
  bool tls = false;  // tp and cr over TLS (asio::ssl), see run_tls_tp / run_tls_cr
};

Clock::duration secs(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "loadgen: %s\n", what.c_str());
  std::exit(2);
}

[[noreturn]] void die_errno(const std::string& what) { die(what + ": " + std::strerror(errno)); }

void usage() {
  std::fprintf(stderr,
               "usage: loadgen MODE --port P [--pid PID] [--name NAME] [--conns N] [--duration S]\n"
               "               [--warmup S] [--count N] [--host 127.0.0.1|::1] [--alloc-file F]\n"
               "               [--connect-timeout S] [--tls]\n"
               "MODE: tp (64 KiB streams), pp (64-byte ping-pong), cr (connect/1 byte/close, 4 loops),\n"
               "      idle (open N=10000 idle connections, report server RSS per connection)\n"
               "--tls: tp and cr over TLS (asio::ssl client, no certificate verification, no session\n"
               "      resumption: every cr handshake is a full one)\n");
  std::exit(2);
}

template <class T>
T parse_num(std::string_view s, const char* what) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) die(std::string("bad ") + what + ": " + std::string(s));
  return v;
}

double parse_double(const std::string& s, const char* what) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0' || v < 0) die(std::string("bad ") + what + ": " + s);
  return v;
}

Options parse(int argc, char** argv) {
  if (argc < 2) usage();
  Options o;
  o.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (a == "--port") o.port = parse_num<int>(next(), "port");
    else if (a == "--pid") o.pid = parse_num<pid_t>(next(), "pid");
    else if (a == "--name") o.name = next();
    else if (a == "--conns") o.conns = parse_num<int>(next(), "conns");
    else if (a == "--duration") o.duration = parse_double(next(), "duration");
    else if (a == "--warmup") o.warmup = parse_double(next(), "warmup");
    else if (a == "--count") o.count = parse_num<std::uint64_t>(next(), "count");
    else if (a == "--host") o.host = next();
    else if (a == "--alloc-file") o.alloc_file = next();
    else if (a == "--connect-timeout") o.connect_timeout = parse_double(next(), "connect-timeout");
    else if (a == "--tls") o.tls = true;
    else usage();
  }
  if (o.port <= 0 || o.port > 65535) die("--port is required (1..65535)");
  // Loopback only, by design: this tool must never load another machine.
  if (o.host != "127.0.0.1" && o.host != "::1") die("--host must be 127.0.0.1 or ::1");
  if (o.mode != "tp" && o.mode != "pp" && o.mode != "cr" && o.mode != "idle") usage();
  if (o.conns < 0) o.conns = o.mode == "tp" ? 4 : o.mode == "pp" ? 1 : o.mode == "cr" ? 4 : 10000;
  if (o.conns == 0) die("--conns must be at least 1");
  if (o.tls && o.mode != "tp" && o.mode != "cr") die("--tls: only the tp and cr modes");
  return o;
}

// ---- what we read about the server ---------------------------------------------------------

// utime+stime of the whole process (all threads) in microseconds.
std::optional<double> server_cpu_us(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(f)), {});
  auto rp = s.rfind(')');  // comm may contain spaces and parentheses
  if (rp == std::string::npos) return std::nullopt;
  std::istringstream in(s.substr(rp + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  // Fields after comm start at 3 (state); utime and stime are 14 and 15.
  for (int n = 3; n <= 15 && (in >> field); ++n) {
    if (n == 14) utime = std::stoull(field);
    if (n == 15) stime = std::stoull(field);
  }
  return double(utime + stime) * 1e6 / double(sysconf(_SC_CLK_TCK));
}

std::optional<long> server_rss_kb(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return std::nullopt;
}

// The counter that alloc_counter.cpp keeps in a shared file (first 8 bytes).
std::optional<std::uint64_t> server_allocs(const std::string& file) {
  if (file.empty()) return std::nullopt;
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::uint64_t v = 0;
  ssize_t n = ::pread(fd, &v, sizeof v, 0);
  ::close(fd);
  if (n != sizeof v) return std::nullopt;
  return v;
}

// CPU time the whole machine spent busy (or stolen by the hypervisor), in microseconds.
double machine_busy_us() {
  std::ifstream f("/proc/stat");
  std::string cpu;
  unsigned long long user = 0, nice = 0, sys = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  f >> cpu >> user >> nice >> sys >> idle >> iowait >> irq >> softirq >> steal;
  return double(user + nice + sys + irq + softirq + steal) * 1e6 / double(sysconf(_SC_CLK_TCK));
}

double client_cpu_us() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto us = [](timeval t) { return double(t.tv_sec) * 1e6 + double(t.tv_usec); };
  return us(ru.ru_utime) + us(ru.ru_stime);
}

struct Snapshot {
  Clock::time_point t;
  std::uint64_t ops = 0, bytes = 0;
  std::optional<double> cpu;
  std::optional<std::uint64_t> allocs;
  double client_cpu = 0;
  double machine_busy = 0;
};

// ---- sockets --------------------------------------------------------------------------------

struct Target {
  sockaddr_storage addr{};
  socklen_t len = 0;
  int family = AF_INET;
};

Target make_target(const Options& o) {
  Target t;
  if (o.host == "::1") {
    auto* a = reinterpret_cast<sockaddr_in6*>(&t.addr);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(std::uint16_t(o.port));
    inet_pton(AF_INET6, "::1", &a->sin6_addr);
    t.len = sizeof *a;
    t.family = AF_INET6;
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&t.addr);
    a->sin_family = AF_INET;
    a->sin_port = htons(std::uint16_t(o.port));
    inet_pton(AF_INET, "127.0.0.1", &a->sin_addr);
    t.len = sizeof *a;
  }
  return t;
}

void set_nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// Starts a non-blocking connect; returns the fd (connected or in progress) or -1 with errno set.
int start_connect(const Target& t) {
  int fd = ::socket(t.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  set_nodelay(fd);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&t.addr), t.len) == 0 || errno == EINPROGRESS)
    return fd;
  int e = errno;
  ::close(fd);
  errno = e;
  return -1;
}

// Blocking connect with retries while the server starts up (bounded by the connect timeout).
int connect_blocking(const Target& t, double timeout_s) {
  auto deadline = Clock::now() + secs(timeout_s);
  for (;;) {
    int fd = ::socket(t.family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die_errno("socket");
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&t.addr), t.len) == 0) {
      set_nodelay(fd);
      int fl = fcntl(fd, F_GETFL);
      fcntl(fd, F_SETFL, fl | O_NONBLOCK);
      return fd;
    }
    int e = errno;
    ::close(fd);
    if (e != ECONNREFUSED && e != EAGAIN && e != ETIMEDOUT) {
      errno = e;
      die_errno("connect");
    }
    if (Clock::now() > deadline) die("server did not accept connections in time");
    std::this_thread::sleep_for(20ms);
  }
}

void raise_nofile(std::size_t want) {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur >= want) return;
  rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, want);
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0) die_errno("setrlimit(RLIMIT_NOFILE)");
}

class Epoll {
 public:
  Epoll() : fd_(epoll_create1(EPOLL_CLOEXEC)) {
    if (fd_ < 0) die_errno("epoll_create1");
  }
  ~Epoll() { ::close(fd_); }
  void add(int fd, std::uint32_t ev, std::uint64_t tag) { ctl(EPOLL_CTL_ADD, fd, ev, tag); }
  void mod(int fd, std::uint32_t ev, std::uint64_t tag) { ctl(EPOLL_CTL_MOD, fd, ev, tag); }
  // Waits at most until `until`; returns the number of events.
  int wait(epoll_event* evs, int max, Clock::time_point until) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
    int n = epoll_wait(fd_, evs, max, int(std::clamp<long long>(left + 1, 0, 1000)));
    if (n < 0 && errno != EINTR) die_errno("epoll_wait");
    return std::max(n, 0);
  }

 private:
  void ctl(int op, int fd, std::uint32_t ev, std::uint64_t tag) {
    epoll_event e{};
    e.events = ev;
    e.data.u64 = tag;
    if (epoll_ctl(fd_, op, fd, &e) != 0) die_errno("epoll_ctl");
  }
  int fd_;
};

// ---- the run: a warm-up, then a measured window -----------------------------------------------

class Run {
 public:
  explicit Run(const Options& o) : o_(o) {}

  std::uint64_t ops = 0, bytes = 0, errors = 0;

  // Call from the event loop: takes the start snapshot after the warm-up; says when to stop.
  bool keep_going() {
    auto now = Clock::now();
    if (!measuring_) {
      if (now < warm_end_) return true;
      begin_measure();
    }
    if (o_.count && ops - start_.ops >= *o_.count) return false;
    return now < end_;
  }
  void start() {
    t0_ = Clock::now();
    warm_end_ = t0_ + secs(o_.warmup);
    end_ = warm_end_ + secs(o_.duration);
    if (o_.warmup == 0) begin_measure();
  }
  Clock::time_point deadline() const { return measuring_ ? end_ : warm_end_; }
  Snapshot snap() const {
    return Snapshot{Clock::now(), ops, bytes, server_cpu_us(o_.pid), server_allocs(o_.alloc_file),
                    client_cpu_us(), machine_busy_us()};
  }
  void begin_measure() {
    measuring_ = true;
    start_ = snap();
    end_ = start_.t + secs(o_.duration);
  }
  const Snapshot& start_snapshot() const { return start_; }

 private:
  const Options& o_;
  bool measuring_ = false;
  Clock::time_point t0_, warm_end_, end_;
  Snapshot start_;
};

std::string fmt(std::optional<double> v, int prec = 3) {
  if (!v) return "-";
  char b[64];
  std::snprintf(b, sizeof b, "%.*f", prec, *v);
  return b;
}

void report(const Options& o, const std::string& label, int conns, const Snapshot& a, const Snapshot& b,
            std::uint64_t errors, std::optional<double> rss_per_conn = std::nullopt, const std::string& extra = {}) {
  double wall = std::chrono::duration<double>(b.t - a.t).count();
  auto ops = b.ops - a.ops;
  auto bytes = b.bytes - a.bytes;
  std::optional<double> cpu_per_op, cpu_pct, allocs_per_op;
  double client_us = b.client_cpu - a.client_cpu;
  // Whatever kept the machine busy besides the two of us: other tenants, the hypervisor.
  double other_us = b.machine_busy - a.machine_busy - client_us;
  if (a.cpu && b.cpu) {
    if (ops) cpu_per_op = (*b.cpu - *a.cpu) / double(ops);
    if (wall > 0) cpu_pct = (*b.cpu - *a.cpu) / (wall * 1e4);
    other_us -= *b.cpu - *a.cpu;
  }
  if (a.allocs && b.allocs && ops) allocs_per_op = double(*b.allocs - *a.allocs) / double(ops);
  std::printf(
      "mode=%s server=%s conns=%d secs=%.3f ops=%llu ops_per_s=%.1f mb_per_s=%.2f cpu_us_per_op=%s "
      "server_cpu_pct=%s client_cpu_pct=%.1f other_cpu_pct=%.1f rss_per_conn_bytes=%s allocs_per_op=%s "
      "errors=%llu%s\n",
      label.c_str(), o.name.c_str(), conns, wall, (unsigned long long)ops, wall > 0 ? double(ops) / wall : 0.0,
      wall > 0 ? double(bytes) / wall / 1e6 : 0.0, fmt(cpu_per_op).c_str(), fmt(cpu_pct, 1).c_str(),
      wall > 0 ? client_us / (wall * 1e4) : 0.0, wall > 0 ? std::max(other_us, 0.0) / (wall * 1e4) : 0.0,
      fmt(rss_per_conn, 0).c_str(),
      fmt(allocs_per_op, 3).c_str(), (unsigned long long)errors, extra.c_str());
  std::fflush(stdout);
}

// ---- tp: N connections streaming 64 KiB chunks, reading the echo back ------------------------

struct StreamConn {
  int fd = -1;
  std::uint64_t sent = 0, received = 0;
  std::size_t chunk_off = 0;  // progress within the current chunk
};

int run_tp(const Options& o, const Target& t) {
  Epoll ep;
  std::vector<StreamConn> cs(std::size_t(o.conns));
  for (std::size_t i = 0; i < cs.size(); ++i) {
    cs[i].fd = connect_blocking(t, o.connect_timeout);
    ep.add(cs[i].fd, EPOLLIN | EPOLLOUT | EPOLLET, i);
  }
  std::vector<char> out(kChunk, 'x'), in(kWindow);
  Run run(o);
  run.start();
  std::vector<epoll_event> evs(cs.size());
  while (run.keep_going()) {
    int n = ep.wait(evs.data(), int(evs.size()), run.deadline());
    for (int k = 0; k < n; ++k) {
      auto& c = cs[evs[k].data.u64];
      // Edge-triggered: drain the echo, then refill the window until it is full or the socket is.
      for (;;) {
        ssize_t r = ::read(c.fd, in.data(), in.size());
        if (r > 0) {
          c.received += std::uint64_t(r);
          run.bytes += std::uint64_t(r);
          continue;
        }
        if (r == 0 || (errno != EAGAIN && errno != EINTR)) die("tp: server closed a connection");
        if (errno == EAGAIN) break;
      }
      while (c.sent - c.received + kChunk - c.chunk_off <= kWindow) {
        ssize_t w = ::write(c.fd, out.data() + c.chunk_off, kChunk - c.chunk_off);
        if (w < 0) {
          if (errno == EAGAIN) break;
          if (errno == EINTR) continue;
          die_errno("tp: write");
        }
        c.sent += std::uint64_t(w);
        c.chunk_off = (c.chunk_off + std::size_t(w)) % kChunk;
      }
    }
    run.ops = run.bytes / kChunk;  // one op = one 64 KiB chunk echoed
  }
  auto end = run.snap();
  report(o, "tp" + std::to_string(o.conns), o.conns, run.start_snapshot(), end, run.errors);
  for (auto& c : cs) ::close(c.fd);
  return 0;
}

// ---- pp: N connections, each sends 64 bytes and waits for the echo before the next ---------

int run_pp(const Options& o, const Target& t) {
  Epoll ep;
  struct PingConn {
    int fd;
    std::size_t got;
  };
  std::vector<PingConn> cs(std::size_t(o.conns));
  for (std::size_t i = 0; i < cs.size(); ++i) {
    cs[i] = {connect_blocking(t, o.connect_timeout), 0};
    ep.add(cs[i].fd, EPOLLIN, i);
  }
  char msg[kPingSize];
  std::memset(msg, 'p', sizeof msg);
  char buf[kPingSize];
  auto send = [&](int fd) {
    // 64 bytes into an empty send buffer never blocks; a short write would be a broken socket.
    if (::write(fd, msg, sizeof msg) != ssize_t(sizeof msg)) die_errno("pp: write");
  };
  Run run(o);
  run.start();
  bool done = !run.keep_going();
  if (!done)
    for (auto& c : cs) send(c.fd);
  std::vector<epoll_event> evs(cs.size());
  while (!done) {
    int n = ep.wait(evs.data(), int(evs.size()), run.deadline());
    for (int k = 0; k < n && !done; ++k) {
      auto& c = cs[evs[k].data.u64];
      ssize_t r = ::read(c.fd, buf, sizeof buf - c.got);
      if (r == 0) die("pp: server closed a connection");
      if (r < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        die_errno("pp: read");
      }
      c.got += std::size_t(r);
      run.bytes += std::uint64_t(r);
      if (c.got < kPingSize) continue;
      c.got = 0;
      ++run.ops;
      if (!run.keep_going()) {
        done = true;
        break;
      }
      send(c.fd);
    }
    if (!done && !run.keep_going()) done = true;
  }
  auto end = run.snap();
  report(o, "pp" + std::to_string(o.conns), o.conns, run.start_snapshot(), end, run.errors);
  for (auto& c : cs) ::close(c.fd);
  if (o.count && end.ops - run.start_snapshot().ops < *o.count) {
    std::fprintf(stderr, "loadgen: pp: time ran out before --count was reached\n");
    return 1;
  }
  return 0;
}

// ---- cr: connect, send 1 byte, read it, close; o.conns parallel loops ------------------------

int run_cr(const Options& o, const Target& t) {
  Epoll ep;
  struct Loop {
    int fd = -1;
    bool connected = false;
  };
  std::vector<Loop> ls(std::size_t(o.conns));
  { // wait for the server before timing anything
    int fd = connect_blocking(t, o.connect_timeout);
    ::close(fd);
  }
  Run run(o);
  auto open = [&](std::size_t i) {
    for (int attempt = 0;; ++attempt) {
      int fd = start_connect(t);
      if (fd >= 0) {
        ls[i] = {fd, false};
        ep.add(fd, EPOLLOUT, i);
        return;
      }
      ++run.errors;  // e.g. EADDRNOTAVAIL when ephemeral ports run out
      if (attempt > 1000) die_errno("cr: connect");
      std::this_thread::sleep_for(1ms);
    }
  };
  run.start();
  for (std::size_t i = 0; i < ls.size(); ++i) open(i);
  std::vector<epoll_event> evs(ls.size());
  const char one = '1';
  while (run.keep_going()) {
    int n = ep.wait(evs.data(), int(evs.size()), run.deadline());
    for (int k = 0; k < n; ++k) {
      auto i = evs[k].data.u64;
      auto& l = ls[i];
      if (!l.connected) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(l.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0 || ::write(l.fd, &one, 1) != 1) {
          ++run.errors;
          ::close(l.fd);
          open(i);
          continue;
        }
        l.connected = true;
        ep.mod(l.fd, EPOLLIN, i);
        continue;
      }
      char c;
      ssize_t r = ::read(l.fd, &c, 1);
      if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (r == 1) {
        ++run.ops;
        run.bytes += 1;
      } else {
        ++run.errors;
      }
      // Close with RST: a FIN would leave the port in TIME_WAIT on our side, and a full
      // TIME_WAIT table makes connect() slow, so later servers would be measured differently.
      linger lg{1, 0};
      setsockopt(l.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
      ::close(l.fd);  // also removes it from the epoll set
      open(i);
    }
  }
  auto end = run.snap();
  report(o, "cr", o.conns, run.start_snapshot(), end, run.errors);
  for (auto& l : ls) ::close(l.fd);
  return 0;
}

// ---- idle: open many connections, echo one byte on each, hold them, read the server's RSS ----

int run_idle(const Options& o, const Target& t) {
  raise_nofile(std::size_t(o.conns) + 64);
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  int conns = o.conns;
  if (rl.rlim_cur < rlim_t(conns) + 64) {
    conns = int(rl.rlim_cur) - 64;
    std::fprintf(stderr, "loadgen: idle: RLIMIT_NOFILE allows only %d connections\n", conns);
  }
  if (o.pid <= 0) std::fprintf(stderr, "loadgen: idle: no --pid, cannot read the server's RSS\n");

  Epoll ep;
  enum State : std::uint8_t { Connecting, Echoing, Idle };
  struct C {
    int fd;
    State st;
  };
  std::vector<C> cs;
  cs.reserve(std::size_t(conns));
  const char one = '1';
  std::uint64_t errors = 0;

  // Opens `count` connections, at most kMaxConnectsInFlight at a time, each echoing one byte so
  // that the server has surely accepted it; returns when all are idle or the deadline passes.
  auto open_all = [&](int count, Clock::time_point deadline) {
    std::size_t first = cs.size();
    int in_flight = 0, started = 0, done = 0;
    std::vector<epoll_event> evs(kMaxConnectsInFlight);
    while (done < count) {
      while (started < count && in_flight < kMaxConnectsInFlight) {
        int fd = start_connect(t);
        if (fd < 0) die_errno("idle: connect");
        ep.add(fd, EPOLLOUT, cs.size());
        cs.push_back({fd, Connecting});
        ++started;
        ++in_flight;
      }
      if (Clock::now() > deadline) die("idle: the server did not take the connections in time");
      int n = ep.wait(evs.data(), int(evs.size()), std::min(deadline, Clock::now() + 1s));
      for (int k = 0; k < n; ++k) {
        auto i = evs[k].data.u64;
        auto& c = cs[i];
        if (c.st == Connecting) {
          int err = 0;
          socklen_t len = sizeof err;
          getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
          if (err != 0) {
            errno = err;
            die_errno("idle: connect");
          }
          if (::write(c.fd, &one, 1) != 1) die_errno("idle: write");
          c.st = Echoing;
          ep.mod(c.fd, EPOLLIN, i);
        } else if (c.st == Echoing) {
          char b;
          ssize_t r = ::read(c.fd, &b, 1);
          if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
          if (r != 1) die("idle: server closed a connection");
          c.st = Idle;
          ep.mod(c.fd, 0, i);  // stay registered, wake for nothing
          --in_flight;
          ++done;
        }
      }
    }
    return cs.size() - first;
  };

  auto deadline = Clock::now() + secs(o.connect_timeout) + 60s;
  { // wait for the server, then warm it up with a few connections that we close again
    int fd = connect_blocking(t, o.connect_timeout);
    ::close(fd);
    open_all(64, deadline);
    for (auto& c : cs) ::close(c.fd);
    cs.clear();
    std::this_thread::sleep_for(300ms);
  }
  Snapshot a{Clock::now(), 0, 0, server_cpu_us(o.pid), server_allocs(o.alloc_file),
             client_cpu_us(), machine_busy_us()};
  auto rss0 = server_rss_kb(o.pid);
  open_all(conns, deadline);
  // Hold them idle; the server's RSS is read at the end of the hold.
  std::this_thread::sleep_for(std::chrono::duration<double>(std::max(o.duration, 0.2)));
  auto rss1 = server_rss_kb(o.pid);
  Snapshot b{Clock::now(), std::uint64_t(conns), std::uint64_t(conns), server_cpu_us(o.pid),
             server_allocs(o.alloc_file), client_cpu_us(), machine_busy_us()};
  std::optional<double> per_conn;
  if (rss0 && rss1) per_conn = double(*rss1 - *rss0) * 1024.0 / double(conns);
  // The measured window covers opening and holding, so ops/s here is only informative.
  report(o, "idle", conns, a, b, errors, per_conn);
  for (auto& c : cs) ::close(c.fd);
  return 0;
}

// ---- --tls: tp and cr over TLS, one asio::ssl client for every server --------------------
// One thread and one io_context, callbacks (no coroutine frames on the client's side). The
// client verifies nothing (SSL_VERIFY_NONE: the same work against every server; the handshake's
// own signature check still runs) and never offers a session, so every handshake is a full one.
// Tickets the server sends anyway (TLS 1.3 servers send them after the handshake) are counted,
// not kept: the report's tickets_per_conn says what each server sent.

using tcp = asio::ip::tcp;
using TlsSocket = asio::ssl::stream<tcp::socket>;

std::uint64_t tls_tickets = 0;

int count_ticket(SSL*, SSL_SESSION*) {
  ++tls_tickets;
  return 0;  // not kept: OpenSSL frees it
}

struct TlsClient {
  asio::io_context io{1};
  asio::ssl::context context{asio::ssl::context::tls_client};
  tcp::endpoint endpoint;
  std::string negotiated;  // protocol, cipher and key exchange group of the first handshake

  explicit TlsClient(const Options& o)
      : endpoint(asio::ip::make_address(o.host), static_cast<unsigned short>(o.port)) {
    context.set_verify_mode(asio::ssl::verify_none);
    SSL_CTX* ctx = context.native_handle();
    // A client cache without a store: the new-session callback sees each ticket, nothing keeps it.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, count_ticket);
  }

  void note(TlsSocket& s) {
    if (!negotiated.empty()) return;
    SSL* ssl = s.native_handle();
    int group = SSL_get_negotiated_group(ssl);
    const char* group_name = group ? OBJ_nid2sn(group & ~TLSEXT_nid_unknown) : "?";
    negotiated = std::string(SSL_get_version(ssl)) + "," + SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)) + "," +
                 (group_name ? group_name : "?");
  }

  std::string extra(std::uint64_t handshakes) const {
    char b[64];
    std::snprintf(b, sizeof b, "%.2f", handshakes ? double(tls_tickets) / double(handshakes) : 0.0);
    return " tls=" + negotiated + " tickets_per_conn=" + b;
  }
};

// tp over TLS: N connections, each keeps up to kWindow bytes of 64 KiB writes in flight and reads
// the echo back; one op = one 64 KiB chunk echoed, as in run_tp.
int run_tls_tp(const Options& o, const Target& t) {
  TlsClient client(o);
  struct Conn {
    std::unique_ptr<TlsSocket> s;
    std::uint64_t sent = 0, received = 0;
    bool writing = false;
    std::vector<char> in = std::vector<char>(16 * 1024);
  };
  std::vector<Conn> cs(std::size_t(o.conns));
  for (auto& c : cs) {
    int fd = connect_blocking(t, o.connect_timeout);
    c.s = std::make_unique<TlsSocket>(client.io, client.context);
    c.s->next_layer().assign(t.family == AF_INET6 ? tcp::v6() : tcp::v4(), fd);
    asio::error_code ec;
    c.s->handshake(asio::ssl::stream_base::client, ec);
    if (ec) die("tls tp: handshake: " + ec.message());
    client.note(*c.s);
  }
  const std::vector<char> out(kChunk, 'x');
  Run run(o);
  bool stopped = false;
  auto check = [&] {
    if (!stopped && !run.keep_going()) {
      stopped = true;
      client.io.stop();
    }
    return !stopped;
  };
  std::function<void(Conn&)> pump = [&](Conn& c) {
    if (c.writing || stopped || c.sent - c.received + kChunk > kWindow) return;
    c.writing = true;
    asio::async_write(*c.s, asio::buffer(out), [&](const asio::error_code& ec, std::size_t n) {
      if (ec) die("tls tp: write: " + ec.message());
      c.writing = false;
      c.sent += n;
      if (check()) pump(c);
    });
  };
  std::function<void(Conn&)> read = [&](Conn& c) {
    c.s->async_read_some(asio::buffer(c.in), [&](const asio::error_code& ec, std::size_t n) {
      if (ec) die("tls tp: the server closed a connection: " + ec.message());
      c.received += n;
      run.bytes += n;
      run.ops = run.bytes / kChunk;
      if (!check()) return;
      pump(c);
      read(c);
    });
  };
  // Wakes the check up at the deadlines even if every connection stalled.
  asio::steady_timer tick(client.io);
  std::function<void()> arm = [&] {
    tick.expires_after(100ms);
    tick.async_wait([&](const asio::error_code& ec) {
      if (!ec && check()) arm();
    });
  };
  run.start();
  for (auto& c : cs) {
    read(c);
    pump(c);
  }
  arm();
  client.io.run();
  auto end = run.snap();
  report(o, "tls_tp" + std::to_string(o.conns), o.conns, run.start_snapshot(), end, run.errors, std::nullopt,
         client.extra(cs.size()));
  return 0;
}

// cr over TLS: o.conns loops of connect, full handshake, 1 byte echoed, close with an RST (as
// run_cr, for the same reason); one op = one connection. No close_notify: the server sees the
// reset (every server here takes it as the end of the connection).
int run_tls_cr(const Options& o, const Target& t) {
  TlsClient client(o);
  { // wait for the server before timing anything
    int fd = connect_blocking(t, o.connect_timeout);
    ::close(fd);
  }
  Run run(o);
  std::uint64_t handshakes = 0;
  bool stopped = false;
  auto check = [&] {
    if (!stopped && !run.keep_going()) {
      stopped = true;
      client.io.stop();
    }
    return !stopped;
  };
  std::vector<std::unique_ptr<TlsSocket>> ls(std::size_t(o.conns));
  const char one = '1';
  std::vector<char> byte(std::size_t(o.conns));
  std::function<void(std::size_t)> open;
  auto fail = [&](std::size_t i) {
    ++run.errors;
    if (run.errors > 1000 + 10 * run.ops) die("tls cr: too many failed connections");
    asio::error_code ignored;
    ls[i]->next_layer().close(ignored);
    asio::post(client.io, [&open, i] { open(i); });
  };
  open = [&](std::size_t i) {
    if (!check()) return;
    ls[i] = std::make_unique<TlsSocket>(client.io, client.context);
    TlsSocket& s = *ls[i];
    s.next_layer().async_connect(client.endpoint, [&, i](const asio::error_code& ec) {
      if (ec) return fail(i);
      s.next_layer().set_option(tcp::no_delay(true));
      s.async_handshake(asio::ssl::stream_base::client, [&, i](const asio::error_code& ec) {
        if (ec) return fail(i);
        ++handshakes;
        client.note(s);
        asio::async_write(s, asio::buffer(&one, 1), [&, i](const asio::error_code& ec, std::size_t) {
          if (ec) return fail(i);
          s.async_read_some(asio::buffer(&byte[i], 1), [&, i](const asio::error_code& ec, std::size_t n) {
            if (ec || n != 1) return fail(i);
            ++run.ops;
            run.bytes += 1;
            asio::error_code ignored;
            s.next_layer().set_option(asio::socket_base::linger(true, 0), ignored);
            s.next_layer().close(ignored);
            // The next connection replaces this stream: not from inside its own handler.
            asio::post(client.io, [&open, i] { open(i); });
          });
        });
      });
    });
  };
  asio::steady_timer tick(client.io);
  std::function<void()> arm = [&] {
    tick.expires_after(100ms);
    tick.async_wait([&](const asio::error_code& ec) {
      if (!ec && check()) arm();
    });
  };
  run.start();
  for (std::size_t i = 0; i < ls.size(); ++i) open(i);
  arm();
  client.io.run();
  auto end = run.snap();
  report(o, "tls_cr", o.conns, run.start_snapshot(), end, run.errors, std::nullopt, client.extra(handshakes));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  Options o = parse(argc, argv);
  Target t = make_target(o);
  if (o.tls) return o.mode == "tp" ? run_tls_tp(o, t) : run_tls_cr(o, t);
  if (o.mode == "tp") return run_tp(o, t);
  if (o.mode == "pp") return run_pp(o, t);
  if (o.mode == "cr") return run_cr(o, t);
  return run_idle(o, t);
}
