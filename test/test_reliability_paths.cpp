// Reliability: connect and listen failures (Unix paths that cannot work, names
// that do not resolve, refused ports, a full backlog), the errors they give,
// and the descriptors they leave behind.

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <asio/co_spawn.hpp>
#include <catch2/catch.hpp>
#include <algorithm>
#include <filesystem>

#include "berth/acceptor.hpp"
#include "berth/connect.hpp"
#include "berth/net.hpp"
#include "berth/timeout.hpp"
#include "reliability/support.hpp"
#include "reliability/watch.hpp"
#include "support.hpp"

using namespace berth;
using namespace berth::reliability;
namespace fs = std::filesystem;

namespace {

struct UnixServer {
  net::ServerPtr server;
  std::vector<std::string> events;
  int connections = 0;
};

// Listens on `path` and runs the loop until it listens or fails.
std::unique_ptr<UnixServer> listen_unix(const std::string& path) {
  auto u = std::make_unique<UnixServer>();
  auto* raw = u.get();
  u->server = net::createServer([raw](const net::SocketPtr& s) {
    ++raw->connections;
    s->pipe(s);
  });
  u->server->on(net::events::listening, [raw] { raw->events.push_back("listening"); });
  u->server->on(net::events::error, [raw](const Error& e) { raw->events.push_back("error:" + e.code); });
  u->server->on(net::events::close, [raw] { raw->events.push_back("close"); });
  u->server->listen(path);
  run_until([raw] { return !raw->events.empty(); }, milliseconds(2000));
  return u;
}

// Connects to `path`; returns what the socket emitted once it closed (or
// connected, in which case it is ended first).
Watch connect_unix(const std::string& path, Error* error = nullptr) {
  Watch watch;
  auto s = net::connect(path);
  watch.attach(s);
  s->on(net::events::connect, [w = std::weak_ptr<net::Socket>(s)] {
    if (auto c = w.lock()) c->end();
  });
  run_until([&] { return watch.closed(); }, milliseconds(3000));
  if (error && !watch.errors.empty()) *error = watch.errors.front();
  return watch;
}

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> out;
  for (auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

bool cloexec(int fd) { return (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

}  // namespace

TEST_CASE("a Unix path longer than sun_path: ENAMETOOLONG for listen and connect, never the truncated path",
          "[reliability]") {
  berth::test::TempDir dir;
  const std::size_t room = sizeof(sockaddr_un{}.sun_path) - 1;  // 107 characters and the NUL
  std::string base = dir.path().string() + "/";
  std::string long_path = base + std::string(room + 20 - base.size(), 'p') + ".sock";
  std::string truncated = long_path.substr(0, room);
  REQUIRE(long_path.size() > room);
  const std::size_t fds_before = baseline_fds();

  // A server at the path a truncating implementation would reach.
  auto decoy = listen_unix(truncated);
  REQUIRE(decoy->events == std::vector<std::string>{"listening"});

  auto failing = listen_unix(long_path);
  CHECK(failing->events == std::vector<std::string>{"error:ENAMETOOLONG"});
  CHECK_FALSE(failing->server->listening());
  CHECK(entries(dir.path()) == std::vector<std::string>{fs::path(truncated).filename().string()});
  CHECK(decoy->connections == 0);

  Error error;
  Watch w = connect_unix(long_path, &error);
  CHECK(w.log == std::vector<std::string>{"error:ENAMETOOLONG", "close:true"});
  CHECK(error.syscall == "connect");
  CHECK(error.address == long_path);
  CHECK(decoy->connections == 0);

  // A path with a NUL inside reads, at the kernel, as the part before the NUL:
  // another path, silently.
  auto nul_server = listen_unix(dir.file("nul-test") + std::string(1, '\0') + "tail");
  INFO("listen on a path with an embedded NUL: " << (nul_server->events.empty() ? "nothing" : nul_server->events[0]));
  CHECK(nul_server->events.size() == 1);
  CHECK(nul_server->events[0].rfind("error:", 0) == 0);
  CHECK_FALSE(fs::exists(dir.file("nul-test")));
  auto short_decoy = listen_unix(dir.file("d2"));
  REQUIRE(short_decoy->events == std::vector<std::string>{"listening"});
  Watch wn = connect_unix(dir.file("d2") + std::string(1, '\0') + "tail");
  INFO("connect to a path with an embedded NUL: " << wn.joined());
  CHECK_FALSE(wn.saw("connect"));
  CHECK(short_decoy->connections == 0);

  decoy->server->close();
  failing->server->close();
  nul_server->server->close();
  short_decoy->server->close();
  CHECK(run_to_end(milliseconds(3000)));
  CHECK(entries(dir.path()).empty());
  CHECK(open_fds() == fds_before);
}

TEST_CASE("a Unix path in a directory that does not exist: EACCES for listen (as libuv), ENOENT for connect", "[reliability]") {
  berth::test::TempDir dir;
  std::string path = dir.file("no-such-dir/s.sock");
  const std::size_t fds_before = baseline_fds();
  auto u = listen_unix(path);
  CHECK(u->events == std::vector<std::string>{"error:EACCES"});  // libuv maps a bind's ENOENT to EACCES
  Error error;
  Watch w = connect_unix(path, &error);
  CHECK(w.log == std::vector<std::string>{"error:ENOENT", "close:true"});
  CHECK(error.message == "connect ENOENT " + path);
  CHECK(error.syscall == "connect");
  CHECK_FALSE(fs::exists(dir.path() / "no-such-dir"));
  u->server->close();
  CHECK(run_to_end(milliseconds(3000)));
  CHECK(open_fds() == fds_before);
}

TEST_CASE("a stale socket file from a crashed server: EADDRINUSE to listen, ECONNREFUSED to connect, file kept",
          "[reliability]") {
  berth::test::TempDir dir;
  std::string path = dir.file("stale.sock");
  {
    // What a crashed server leaves: a bound socket file nobody listens on.
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    ::close(fd);
  }
  REQUIRE(fs::is_socket(path));
  const std::size_t fds_before = baseline_fds();

  auto u = listen_unix(path);
  CHECK(u->events == std::vector<std::string>{"error:EADDRINUSE"});
  CHECK(fs::is_socket(path));  // berth, like Node, does not remove it on its own
  Error error;
  Watch w = connect_unix(path, &error);
  CHECK(w.log == std::vector<std::string>{"error:ECONNREFUSED", "close:true"});
  CHECK(error.address == path);

  // Once the application removes the stale file, the same path serves again.
  fs::remove(path);
  auto again = listen_unix(path);
  CHECK(again->events == std::vector<std::string>{"listening"});
  Watch ok = connect_unix(path);
  CHECK(ok.saw("connect"));
  CHECK(ok.errors.empty());
  u->server->close();
  again->server->close();
  CHECK(run_to_end(milliseconds(3000)));
  CHECK_FALSE(fs::exists(path));
  CHECK(open_fds() == fds_before);
}

TEST_CASE("connect to a name that does not resolve: 'lookup' with the error, 'error' ENOTFOUND, 'close'(true), no attempt",
          "[reliability]") {
  Watch watch;
  std::vector<std::string> lookups;
  int attempts = 0;
  auto s = net::connect(80, "no-such-host.invalid");
  watch.attach(s);
  s->on(net::events::lookup, [&](const Error& e, const std::string&, int, const std::string& host) {
    lookups.push_back(e.code + " " + host);
  });
  s->on(net::events::connectionAttempt, [&] { ++attempts; });
  REQUIRE(run_until([&] { return watch.closed(); }, milliseconds(15000)));
  REQUIRE(watch.errors.size() == 1);
  const Error& e = watch.errors[0];
  // EAI_AGAIN where no resolver answers at all (a sandbox without DNS).
  CHECK((e.code == "ENOTFOUND" || e.code == "EAI_AGAIN"));
  CHECK(e.syscall == "getaddrinfo");
  CHECK(e.hostname == "no-such-host.invalid");
  CHECK_FALSE(e.address);
  CHECK_FALSE(e.port);
  CHECK(e.message == "getaddrinfo " + e.code + " no-such-host.invalid");
  CHECK(lookups == std::vector<std::string>{e.code + " no-such-host.invalid"});
  CHECK(attempts == 0);
  CHECK(watch.log.back() == "close:true");
  CHECK(watch.closes == 1);
  s.reset();
  CHECK(run_to_end(milliseconds(3000)));
}

TEST_CASE("connect to a refused port on 127.0.0.1 and ::1: ECONNREFUSED with Node's fields", "[reliability]") {
  const std::string host = GENERATE(as<std::string>{}, "127.0.0.1", "::1");
  auto probe = net::createServer();
  probe->listen(0, host);
  REQUIRE(run_until([&] { return probe->listening(); }));
  const int port = probe->address()->port;
  probe->close();
  REQUIRE(run_to_end(milliseconds(3000)));
  const std::size_t fds_before = baseline_fds();
  for (int i = 0; i < 20; ++i) {  // as Node's test-net-reconnect-error
    Watch watch;
    auto s = net::connect(port, host);
    watch.attach(s);
    REQUIRE(run_until([&] { return watch.closed(); }));
    REQUIRE(watch.errors.size() == 1);
    const Error& e = watch.errors[0];
    CHECK(e.code == "ECONNREFUSED");
    CHECK(e.errnum == -111);
    CHECK(e.syscall == "connect");
    CHECK(e.address == host);
    CHECK(e.port == port);
    CHECK(e.message == "connect ECONNREFUSED " + host + ":" + std::to_string(port));
    CHECK(watch.log == std::vector<std::string>{"error:ECONNREFUSED", "close:true"});
  }
  CHECK(run_to_end(milliseconds(3000)));
  CHECK(open_fds() == fds_before);
}

TEST_CASE("connect with a timeout to a loopback listener whose backlog is full: 'timeout', and destroy() frees the attempt",
          "[reliability]") {
  auto& loop = Loop::current();
  Acceptor acceptor(loop.get_executor());
  berth::ListenOptions listen;
  listen.host = "127.0.0.1";
  listen.backlog = 1;
  acceptor.listen(listen);
  const int port = acceptor.address()->port;

  // Fill the accept queue (never accepted) until a connect no longer completes.
  std::vector<int> fillers;
  bool full = false;
  for (int i = 0; i < 64 && !full; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    fillers.push_back(fd);
    pollfd p{fd, POLLOUT, 0};
    full = ::poll(&p, 1, 200) == 0;
  }
  REQUIRE(full);
  INFO("connections queued before the backlog was full: " << fillers.size() - 1);
  run_for(milliseconds(20));
  const std::size_t fds_before = baseline_fds();
  const std::size_t refs_before = loop.ref_count();

  SECTION("event layer: the connect 'timeout' option") {
    Watch watch;
    net::ConnectOptions options;
    options.port = port;
    options.host = "127.0.0.1";
    options.timeout = milliseconds(300);
    auto started = Clock::now();
    Clock::time_point timed_out{};
    auto s = net::connect(options);
    watch.attach(s);
    s->on(net::events::timeout, [&, w = std::weak_ptr<net::Socket>(s)] {
      timed_out = Clock::now();
      if (auto c = w.lock()) {
        CHECK(c->connecting());
        CHECK_FALSE(c->destroyed());  // 'timeout' only tells; the application decides
        c->destroy();
      }
    });
    REQUIRE(run_until([&] { return watch.closed(); }, milliseconds(5000)));
    auto waited = std::chrono::duration_cast<milliseconds>(timed_out - started).count();
    WARN("'timeout' after " << waited << " ms (timeout 300 ms)");
    CHECK(waited >= 300);
    CHECK(waited < 1000);
    CHECK(watch.log == std::vector<std::string>{"timeout", "close:false"});
    s.reset();
    // The attempt is over for the application: its descriptor must be too, not
    // wait for the kernel to give up on the SYN (about two minutes).
    run_for(milliseconds(100));
    CHECK(open_fds() == fds_before);
    CHECK(loop.ref_count() == refs_before);  // nor keep the loop alive
  }

  SECTION("coroutine core: with_timeout around connect") {
    std::string code;
    auto started = Clock::now();
    asio::co_spawn(
        loop.context(),
        [&]() -> asio::awaitable<void> {
          berth::ConnectOptions options;
          options.port = port;
          options.host = "127.0.0.1";
          try {
            co_await with_timeout(berth::connect(options), milliseconds(300));
          } catch (const Error& e) {
            code = e.code;
          }
        },
        [](std::exception_ptr) {});
    REQUIRE(run_until([&] { return !code.empty(); }, milliseconds(5000)));
    auto waited = std::chrono::duration_cast<milliseconds>(Clock::now() - started).count();
    CHECK(code == "ETIMEDOUT");
    CHECK(waited >= 300);
    CHECK(waited < 1000);
    run_for(milliseconds(50));
    CHECK(open_fds() == fds_before);
  }

  for (int fd : fillers) ::close(fd);
  acceptor.close();
  CHECK(run_to_end(milliseconds(5000)));
}

TEST_CASE("berth's sockets are close-on-exec, so a child process does not inherit listeners and connections",
          "[reliability]") {
  berth::test::TempDir dir;
  for (std::string kind : {"tcp", "unix"}) {
    INFO(kind);
    bool checked = false;
    berth::test::run_coro([&]() -> asio::awaitable<void> {
      auto ex = co_await asio::this_coro::executor;
      Acceptor acceptor(ex);
      berth::ListenOptions listen;
      berth::ConnectOptions options;
      if (kind == "tcp") {
        listen.host = "127.0.0.1";
        acceptor.listen(listen);
        options.host = "127.0.0.1";
        options.port = acceptor.address()->port;
      } else {
        listen.path = dir.file("cloexec.sock");
        acceptor.listen(listen);
        options.path = listen.path;
      }
      Stream client = co_await berth::connect(options);
      Stream accepted = co_await acceptor.accept();
      // libuv (so Node) opens every socket with SOCK_CLOEXEC and accepts with accept4(SOCK_CLOEXEC).
      CHECK(cloexec(acceptor.native().native_handle()));
      CHECK(cloexec(client.socket().native_handle()));
      CHECK(cloexec(accepted.socket().native_handle()));
      checked = true;
    });
    CHECK(checked);
  }
}
