#pragma once
// The C++ side of Node's test/common for berth's ports of Node's own net tests
// (test/node/test-*.cpp, one per file of Node's test/parallel).
//
// Each port is one Catch2 TEST_CASE named after the Node file, in a namespace of its
// own (the target is a unity build). A port asserts what the Node test asserts:
//
//   TEST_CASE("test-net-connect-paused-connection", "[node]") {
//     node::Common common;
//     auto server = net::createServer([](const net::SocketPtr& c) { c->unref(); });
//     server->listen(0, common.mustCall([&] { ... }));
//     server->unref();
//     common.run();   // runs the loop until it ends by itself, then checks every mustCall
//   }
//
// common.run() fails the test when the loop is still running after its limit (Node's
// test runner would time the test out), and when any mustCall was called a number of
// times other than the one expected.

#include <catch2/catch.hpp>

#include <asio/ip/address.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "berth/net.hpp"
#include "net_support.hpp"
#include "support.hpp"

namespace berth::node_test {

using namespace std::chrono_literals;

/// Where a mustCall was made. std::source_location needs __builtin_source_location,
/// which clang 14 lacks; __builtin_FILE/__builtin_LINE in default arguments give the
/// caller's place in both compilers.
struct SourceLocation {
  const char* file = "";
  unsigned line_number = 0;
  static constexpr SourceLocation current(const char* file = __builtin_FILE(),
                                          unsigned line = __builtin_LINE()) noexcept {
    return {file, line};
  }
  constexpr const char* file_name() const noexcept { return file; }
  constexpr unsigned line() const noexcept { return line_number; }
};

/// What Node's assert.throws / common.expectsError compares: code, message and class
/// name (any of them left empty is not compared).
struct Expected {
  std::string code;
  std::string message{};
  std::optional<ErrorKind> kind{};
};

/// Checks one Error against `expected` (Node's common.expectsError).
inline void check_error(const Error& error, const Expected& expected) {
  INFO("error: " << error.code << " " << error.message);
  CHECK(error.code == expected.code);
  if (!expected.message.empty()) CHECK(error.message == expected.message);
  if (expected.kind) CHECK(static_cast<int>(error.kind) == static_cast<int>(*expected.kind));
}

/// Node's assert.throws(fn, { code, message, name }): `fn()` must throw a berth::Error so.
template <class F>
void check_throws(F&& fn, const Expected& expected) {
  try {
    std::forward<F>(fn)();
  } catch (const Error& error) {
    check_error(error, expected);
    return;
  }
  FAIL_CHECK("expected a throw with code " << expected.code);
}

/// Node's test/common: mustCall bookkeeping, a private temporary directory and a loop
/// runner with a deadline. One per test case.
class Common {
  struct Counter {
    std::string where;
    int expected;  // exact count; with at_least, the minimum
    bool at_least;
    int calls = 0;
  };
  // Defined before their users: mustCall's deduced return type needs wrap's.
  static std::string describe(const SourceLocation& at) {
    return std::filesystem::path(at.file_name()).filename().string() + ":" + std::to_string(at.line());
  }
  std::shared_ptr<Counter> add(const SourceLocation& at, int expected, bool at_least) {
    auto c = std::make_shared<Counter>(Counter{describe(at), expected, at_least});
    counters_.push_back(c);
    return c;
  }
  template <class F>
  static auto wrap(F fn, std::shared_ptr<Counter> counter) {
    // invoke_result_t, not decltype(fn(...)): g++ 12 finds a lambda capturing a
    // shared_ptr not invocable through the latter.
    return [fn = std::move(fn), counter](auto&&... args) mutable
               -> std::invoke_result_t<F&, decltype(args)...>
      requires std::is_invocable_v<F&, decltype(args)...>
    {
      ++counter->calls;
      return fn(std::forward<decltype(args)>(args)...);
    };
  }

 public:
  Common() = default;
  Common(const Common&) = delete;
  Common& operator=(const Common&) = delete;

  /// common.mustCall(fn, exact): a callable that forwards to `fn` and must be called
  /// exactly `exact` times by the end of run().
  template <class F>
  auto mustCall(F fn, int exact = 1, SourceLocation at = SourceLocation::current()) {
    return wrap(std::move(fn), add(at, exact, false));
  }
  /// common.mustCall(): a callable taking any arguments, to be called once.
  auto mustCall(int exact = 1, SourceLocation at = SourceLocation::current()) {
    return mustCall([](auto&&...) {}, exact, at);
  }
  /// common.mustCallAtLeast(fn, minimum).
  template <class F>
  auto mustCallAtLeast(F fn, int minimum = 1, SourceLocation at = SourceLocation::current()) {
    return wrap(std::move(fn), add(at, minimum, true));
  }
  /// common.mustNotCall(message): any call fails the test.
  auto mustNotCall(std::string message = "function should not have been called",
                   SourceLocation at = SourceLocation::current()) {
    std::string where = describe(at);
    return [message = std::move(message), where](auto&&...) { FAIL_CHECK(message << " (at " << where << ")"); };
  }
  /// common.mustSucceed(fn): a callback taking an Error first, which must be empty.
  template <class F>
  auto mustSucceed(F fn, SourceLocation at = SourceLocation::current()) {
    return mustCall(
        [fn = std::move(fn)](const Error& error, auto&&... rest) mutable {
          CHECK_FALSE(error);
          return fn(std::forward<decltype(rest)>(rest)...);
        },
        1, at);
  }
  auto mustSucceed(SourceLocation at = SourceLocation::current()) {
    return mustSucceed([](auto&&...) {}, at);
  }
  /// common.expectsError({code, message}): a callback to be called once with such an Error.
  auto expectsError(Expected expected, int exact = 1, SourceLocation at = SourceLocation::current()) {
    return mustCall([expected = std::move(expected)](const Error& error) { check_error(error, expected); }, exact, at);
  }

  /// Runs the thread's loop until it ends by itself, as Node's process exits; then
  /// checks every mustCall count. Fails when `limit` passes first.
  void run(std::chrono::milliseconds limit = 20s) {
    berth::test::run_loop(limit);
    verify();
  }
  /// Checks the mustCall counts now (run() does it too).
  void verify() {
    for (const auto& c : counters_) {
      INFO("mustCall at " << c->where);
      if (c->at_least) CHECK(c->calls >= c->expected);
      else CHECK(c->calls == c->expected);
    }
    counters_.clear();
  }

  /// tmpdir.path / common.PIPE: a private directory, removed with this object.
  const std::filesystem::path& tmpdir() const { return tmp_.path(); }
  /// common.PIPE: a Unix socket path in tmpdir().
  std::string PIPE() const { return tmp_.file("test.sock"); }

  /// common.hasIPv6: whether ::1 can be bound here.
  static bool hasIPv6() {
    static const bool has = [] {
      asio::io_context ctx;
      asio::ip::tcp::acceptor a(ctx);
      std::error_code ec;
      a.open(asio::ip::tcp::v6(), ec);
      if (!ec) a.bind({asio::ip::make_address("::1"), 0}, ec);
      return !ec;
    }();
    return has;
  }

 private:
  std::vector<std::shared_ptr<Counter>> counters_;
  berth::test::TempDir tmp_;
};

// Node's global setTimeout is berth::setTimeout (a second one here would make
// unqualified calls ambiguous under `using namespace berth`).

}  // namespace berth::node_test

// Added for the part-A ports (keep additions small and at the end).
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace berth::node_test {

/// The descriptor of this process's TCP socket with the given local and remote
/// ports, found in /proc/self/fd; -1 if none. Node's tests spy on the handle's
/// setNoDelay/setKeepAlive; a port reads the kernel's state of the socket instead.
inline int tcp_fd(int local_port, int remote_port) {
  auto port_of = [](const sockaddr_storage& a) -> int {
    if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
    if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
    return -1;
  };
  int found = -1;
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    while (dirent* entry = ::readdir(dir)) {
      if (entry->d_name[0] == '.') continue;
      const int fd = std::atoi(entry->d_name);
      sockaddr_storage local{}, remote{};
      socklen_t local_len = sizeof local, remote_len = sizeof remote;
      if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0) continue;
      if (::getpeername(fd, reinterpret_cast<sockaddr*>(&remote), &remote_len) != 0) continue;
      if (port_of(local) == local_port && port_of(remote) == remote_port) {
        found = fd;
        break;
      }
    }
    ::closedir(dir);
  }
  return found;
}

/// getsockopt(fd, level, name) as an int (-1 on failure).
inline int sockopt(int fd, int level, int name) {
  int value = 0;
  socklen_t len = sizeof value;
  return ::getsockopt(fd, level, name, &value, &len) == 0 ? value : -1;
}

}  // namespace berth::node_test
