#pragma once
// Helpers for the reliability tests: bounded loop runs, process resource figures
// (descriptors, RSS, heap in use), and child processes that run a hidden test case
// of this same executable (a server under its own descriptor limit, for example).

#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "berth/loop.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define BERTH_REL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BERTH_REL_ASAN 1
#endif
#endif
#ifdef BERTH_REL_ASAN
// From <sanitizer/allocator_interface.h>, which GCC does not install.
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

namespace berth::reliability {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

inline constexpr bool asan_build() {
#ifdef BERTH_REL_ASAN
  return true;
#else
  return false;
#endif
}

/// Open descriptors of this process (the entries of /proc/self/fd, less the one
/// used to list them).
/// Returns 0 when it cannot tell (no descriptor left to list them with).
inline std::size_t open_fds() {
  std::error_code ec;
  std::size_t n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++n;
  return ec || n == 0 ? 0 : n - 1;
}

/// open_fds() once the thread's loop has built its reactor (epoll, eventfd and
/// timerfd, made when the first socket or timer needs them), so that a count
/// taken before a test's first socket compares with one taken after.
inline std::size_t baseline_fds() {
  auto& context = Loop::current().context();
  asio::ip::tcp::socket warm(context);
  std::error_code ec;
  warm.open(asio::ip::tcp::v4(), ec);
  warm.close(ec);
  asio::steady_timer timer(context);
  return open_fds();
}

/// Resident set size in KiB (VmRSS).
inline std::size_t rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  return 0;
}

/// Bytes the allocator has handed out and not had back.
inline std::size_t heap_in_use() {
#ifdef BERTH_REL_ASAN
  return __sanitizer_get_current_allocated_bytes();
#else
  auto m = mallinfo2();
  return m.uordblks + m.hblkhd;  // large blocks are mmapped and counted apart
#endif
}

/// Raises the soft descriptor limit to the hard one; returns the new soft limit.
inline std::size_t raise_nofile() {
  rlimit rl{};
  ::getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &rl);
  ::getrlimit(RLIMIT_NOFILE, &rl);
  return rl.rlim_cur;
}

/// Runs the thread's loop until `done()` holds or `limit` passes; returns done().
/// Unlike berth::run(), it does not wait for ref'd handles to go away.
inline bool run_until(const std::function<bool()>& done, milliseconds limit = milliseconds(20000)) {
  auto& context = Loop::current().context();
  auto deadline = Clock::now() + limit;
  while (!done()) {
    auto now = Clock::now();
    if (now >= deadline) return false;
    if (context.stopped()) context.restart();
    context.run_one_for(std::min<Clock::duration>(deadline - now, milliseconds(50)));
  }
  return true;
}

/// Runs the thread's loop for `period`, whatever happens.
inline void run_for(milliseconds period) {
  auto deadline = Clock::now() + period;
  run_until([&] { return Clock::now() >= deadline; }, period + milliseconds(100));
}

/// Runs the loop as berth::run() does (until no ref'd handle is left) but fails
/// after `limit`, so no test can hang; returns whether it ended by itself.
inline bool run_to_end(milliseconds limit = milliseconds(20000)) {
  auto& loop = Loop::current();
  bool expired = false;
  asio::steady_timer deadline(loop.context(), limit);
  deadline.async_wait([&](std::error_code ec) {
    if (!ec) {
      expired = true;
      loop.stop();
    }
  });
  try {
    loop.run();
  } catch (...) {
    deadline.cancel();  // its handler, run later, reads nothing once cancelled
    throw;
  }
  deadline.cancel();
  return !expired;
}

/// A child process running one hidden test case of this executable, with a pipe
/// each way: the child writes report lines, and sees end-of-file on its command
/// pipe when the parent is done with it (or dies).
class Child {
 public:
  /// Starts `/proc/self/exe "<test_name>"` with the given extra environment.
  Child(const std::string& test_name, const std::map<std::string, std::string>& env = {}) {
    int to_parent[2], to_child[2];
    if (::pipe2(to_parent, O_CLOEXEC) != 0 || ::pipe2(to_child, O_CLOEXEC) != 0)
      throw std::runtime_error("pipe failed");
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
    for (auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    // The child's ends are duplicated to fixed numbers, free of O_CLOEXEC.
    env_strings.push_back("BERTH_REL_REPORT_FD=3");
    env_strings.push_back("BERTH_REL_COMMAND_FD=4");
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::string exe = "/proc/self/exe", name = test_name;
    std::vector<char*> argv = {exe.data(), name.data(), nullptr};
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      // Only async-signal-safe calls until exec.
      int report = ::fcntl(to_parent[1], F_DUPFD_CLOEXEC, 10);
      int command = ::fcntl(to_child[0], F_DUPFD_CLOEXEC, 10);
      ::dup2(report, 3);
      ::dup2(command, 4);
      int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 1);  // Catch2's own summary is not ours to read
      // berth's sockets are not all close-on-exec: keep the parent's out of the child.
      ::close_range(5, ~0U, 0);
      ::execve(exe.c_str(), argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(to_parent[1]);
    ::close(to_child[0]);
    report_ = to_parent[0];
    command_ = to_child[1];
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    finish(milliseconds(100));
    if (report_ >= 0) ::close(report_);
  }

  /// The next report line, waiting at most `limit`.
  std::optional<std::string> line(milliseconds limit = milliseconds(20000)) {
    auto deadline = Clock::now() + limit;
    for (;;) {
      auto nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string l = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return l;
      }
      auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
      if (left <= 0 || report_ < 0) return std::nullopt;
      pollfd p{report_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      char chunk[512];
      ssize_t n = ::read(report_, chunk, sizeof chunk);
      if (n <= 0) {
        ::close(report_);
        report_ = -1;
        return std::nullopt;
      }
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  /// Waits for a report line starting with `prefix`, skipping others; returns the rest.
  std::optional<std::string> expect(const std::string& prefix, milliseconds limit = milliseconds(20000)) {
    auto deadline = Clock::now() + limit;
    for (;;) {
      auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return std::nullopt;
      auto l = line(left);
      if (!l) return std::nullopt;
      if (l->rfind(prefix, 0) == 0) return l->substr(prefix.size());
    }
  }

  /// Sends a command line to the child.
  void send(const std::string& command) {
    std::string l = command + "\n";
    if (command_ >= 0) (void)!::write(command_, l.data(), l.size());
  }

  pid_t pid() const noexcept { return pid_; }

  /// Whether the child is still running.
  bool alive() {
    if (status_) return false;
    int st = 0;
    if (::waitpid(pid_, &st, WNOHANG) == pid_) status_ = st;
    return !status_;
  }

  /// User plus system CPU time the child has used, in milliseconds.
  long cpu_ms() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto close_paren = text.rfind(')');
    if (close_paren == std::string::npos) return -1;
    std::vector<std::string> fields;
    std::string field;
    for (char c : text.substr(close_paren + 2)) {
      if (c == ' ') {
        fields.push_back(field);
        field.clear();
      } else {
        field += c;
      }
    }
    // Fields 14 and 15 of /proc/pid/stat (utime, stime), counted from "state" = 3.
    if (fields.size() < 13) return -1;
    long ticks = std::stol(fields[11]) + std::stol(fields[12]);
    return ticks * 1000 / ::sysconf(_SC_CLK_TCK);
  }

  /// Closes the command pipe so the child ends by itself; kills it if it has not
  /// ended within `grace`. Returns its wait status.
  int finish(milliseconds grace = milliseconds(10000)) {
    if (command_ >= 0) {
      ::close(command_);
      command_ = -1;
    }
    auto deadline = Clock::now() + grace;
    while (alive() && Clock::now() < deadline) ::usleep(10000);
    if (alive()) {
      ::kill(pid_, SIGKILL);
      int st = 0;
      ::waitpid(pid_, &st, 0);
      status_ = st;
    }
    return *status_;
  }

 private:
  pid_t pid_ = -1;
  int report_ = -1;
  int command_ = -1;
  std::string buffer_;
  std::optional<int> status_;
};

/// In a child started by Child: writes a report line to the parent.
inline void report(const std::string& l) {
  static int fd = [] {
    const char* v = std::getenv("BERTH_REL_REPORT_FD");
    return v ? std::atoi(v) : -1;
  }();
  if (fd < 0) return;
  std::string s = l + "\n";
  (void)!::write(fd, s.data(), s.size());
}

/// In a child started by Child: the command pipe's descriptor, or -1.
inline int command_fd() {
  const char* v = std::getenv("BERTH_REL_COMMAND_FD");
  return v ? std::atoi(v) : -1;
}

/// A reproducible byte stream: byte `i` of stream `seed`.
struct Pattern {
  std::uint64_t state;
  explicit Pattern(std::uint64_t seed) : state(seed * 0x9E3779B97F4A7C15ull + 1) {}
  std::uint8_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<std::uint8_t>(state >> 24);
  }
  void fill(std::uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) p[i] = next();
  }
};

/// FNV-1a over a stream, fed in pieces.
struct Fnv {
  std::uint64_t h = 1469598103934665603ull;
  void add(const std::uint8_t* p, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  }
};

}  // namespace berth::reliability
