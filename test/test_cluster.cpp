#include "berth/cluster.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <catch2/catch.hpp>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <functional>
#include <future>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include "berth/net.hpp"

// Every test here runs loops on several threads: tagged [threads], the file is also built
// into berth_thread_tests, which test/run-all.sh runs under ThreadSanitizer. Loopback and
// port 0 only; every wait is bounded (clients time out after 5 s, grace periods are short).

using berth::Cluster;
using berth::ClusterOptions;
using berth::Error;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;
namespace net = berth::net;

namespace {

// A blocking loopback client whose every call gives up after 5 s.
class Client {
 public:
  explicit Client(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      error_ = errno;
      return;
    }
    timeval limit{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);  // connect() too
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
      error_ = errno;
      close();
    }
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  ~Client() { close(); }

  bool connected() const { return fd_ >= 0; }
  int error() const { return error_; }

  // Writes `text` and reads it back whole: true if the echo came.
  bool echo(std::string_view text) {
    if (fd_ < 0 || ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(text.size()))
      return false;
    std::string back;
    char buf[256];
    while (back.size() < text.size()) {
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return false;
      back.append(buf, static_cast<std::size_t>(n));
    }
    return back == text;
  }

  // Whether the server ended the connection (FIN or reset) within 5 s.
  bool ended_by_server() {
    char c;
    ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  int error_ = 0;
};

// Node's echo server, `net.createServer(s => s.pipe(s))`, listened through the worker on
// 127.0.0.1 port 0 (worker 0 picks, the others share it).
void listen_echo(Cluster::Worker& worker, std::function<void()> on_connection = {}) {
  auto server = net::createServer([on_connection](const net::SocketPtr& s) {
    if (on_connection) on_connection();
    s->on(net::events::error, [](const Error&) {});
    s->pipe(s);
  });
  net::ListenOptions options;
  options.port = 0;
  options.host = "127.0.0.1";
  worker.listen(server, options);
}

std::uint16_t port_of(const Cluster& cluster) {
  auto addresses = cluster.addresses();
  REQUIRE(addresses.size() == 1);
  REQUIRE(addresses[0].port > 0);
  return addresses[0].port;
}

// Until the servers are closed: a connect refused, within 5 s.
bool refused_within_5s(std::uint16_t port) {
  for (auto until = Clock::now() + seconds(5); Clock::now() < until; std::this_thread::sleep_for(milliseconds(10))) {
    Client c(port);
    if (!c.connected() && c.error() == ECONNREFUSED) return true;
  }
  return false;
}

asio::awaitable<void> echo(berth::Stream stream) {
  char data[4096];
  for (;;) {
    Error error;
    std::size_t n = co_await stream.read_some(asio::buffer(data), error);
    if (error || n == 0) co_return;
    co_await stream.write(asio::buffer(data, n), error);
    if (error) co_return;
  }
}

asio::awaitable<void> serve(berth::Acceptor& acceptor, std::atomic<int>& served) {
  for (;;) {
    Error error;
    berth::Stream stream = co_await acceptor.accept(error);
    if (error) co_return;  // ECANCELED: the cluster stopped
    ++served;
    asio::co_spawn(stream.get_executor(), echo(std::move(stream)), asio::detached);
  }
}

constexpr int kConnections = 200;  // both workers get some: one gets none with odds 2^-199

}  // namespace

TEST_CASE("a cluster of two workers shares one port chosen by the system: each worker's net::Server serves "
          "some of 200 connections, and stop() ends it",
          "[cluster][threads]") {
  std::array<std::atomic<int>, 2> served{};
  std::array<std::thread::id, 2> threads{};
  std::atomic<bool> loops_current{true};
  Cluster cluster({.workers = 2, .handleSignals = false, .gracePeriod = seconds(5)}, [&](Cluster::Worker& worker) {
    threads[worker.index()] = std::this_thread::get_id();
    if (&worker.loop() != &berth::Loop::current()) loops_current = false;
    listen_echo(worker, [&served, i = worker.index()] { ++served[i]; });
  });
  CHECK(cluster.size() == 2);
  cluster.start();
  const std::uint16_t port = port_of(cluster);
  int echoed = 0;
  for (int i = 0; i < kConnections; ++i) {
    Client client(port);
    if (client.echo("ping " + std::to_string(i))) ++echoed;
  }
  auto stopped_at = Clock::now();
  cluster.stop();
  cluster.wait();
  // No connection was left open: the loops end at once, not at the grace period's end.
  CHECK(Clock::now() - stopped_at < seconds(3));
  CHECK(echoed == kConnections);
  CHECK(served[0] > 0);
  CHECK(served[1] > 0);
  CHECK(served[0] + served[1] == kConnections);
  WARN(kConnections << " connections over 2 workers on port " << port << ": " << served[0] << " / " << served[1]);
  CHECK(threads[0] != threads[1]);
  CHECK(threads[0] != std::this_thread::get_id());
  CHECK(loops_current);
}

TEST_CASE("a cluster of two workers serving with coroutine Acceptors: both accept some of 200 connections",
          "[cluster][threads]") {
  std::array<std::atomic<int>, 2> served{};
  Cluster cluster({.workers = 2, .handleSignals = false, .gracePeriod = seconds(5)}, [&](Cluster::Worker& worker) {
    berth::ListenOptions options;
    options.host = "127.0.0.1";  // port 0: worker 0's choice, shared
    berth::Acceptor& acceptor = worker.listen(options);
    asio::co_spawn(worker.get_executor(), serve(acceptor, served[worker.index()]), asio::detached);
  });
  cluster.start();
  const std::uint16_t port = port_of(cluster);
  int echoed = 0;
  for (int i = 0; i < kConnections; ++i) {
    Client client(port);
    if (client.echo("ping " + std::to_string(i))) ++echoed;
  }
  auto stopped_at = Clock::now();
  cluster.stop();  // closes the acceptors: each serve() loop ends on ECANCELED
  cluster.wait();
  CHECK(Clock::now() - stopped_at < seconds(3));
  CHECK(echoed == kConnections);
  CHECK(served[0] > 0);
  CHECK(served[1] > 0);
  CHECK(served[0] + served[1] == kConnections);
}

TEST_CASE("a cluster's stop() from another thread ends run()", "[cluster][threads]") {
  std::atomic<int> listening{0};
  Cluster cluster({.workers = 2, .handleSignals = false, .gracePeriod = seconds(5)}, [&](Cluster::Worker& worker) {
    auto server = net::createServer([](const net::SocketPtr& s) { s->pipe(s); });
    net::ListenOptions options;
    options.port = 0;
    options.host = "127.0.0.1";
    worker.listen(server, options, [&listening] { ++listening; });
  });
  std::thread stopper([&] {
    for (auto until = Clock::now() + seconds(10); listening < 2 && Clock::now() < until;)
      std::this_thread::sleep_for(milliseconds(1));
    cluster.stop();
  });
  auto started_at = Clock::now();
  cluster.run();
  stopper.join();
  CHECK(listening == 2);
  CHECK(Clock::now() - started_at < seconds(5));
}

TEST_CASE("a cluster stopped before it starts runs no worker", "[cluster][threads]") {
  std::atomic<int> setups{0};
  Cluster cluster({.workers = 2, .handleSignals = false}, [&](Cluster::Worker&) { ++setups; });
  cluster.stop();
  cluster.run();
  CHECK(setups == 0);
  CHECK_THROWS_AS(cluster.start(), Error);  // a cluster runs once
}

TEST_CASE("a cluster's stop() closes its servers at once and serves the connections in flight until they end",
          "[cluster][threads]") {
  Cluster cluster({.workers = 2, .handleSignals = false, .gracePeriod = seconds(30)},
                  [&](Cluster::Worker& worker) { listen_echo(worker); });
  cluster.start();
  const std::uint16_t port = port_of(cluster);
  Client open(port);
  REQUIRE(open.echo("before stop"));
  cluster.stop();
  CHECK(refused_within_5s(port));      // both servers closed, as Node's cluster.disconnect()
  CHECK(open.echo("after stop"));      // the connection in flight is still served
  auto closed_at = Clock::now();
  open.close();
  cluster.wait();                      // its end was the last thing keeping the loops alive
  CHECK(Clock::now() - closed_at < seconds(5));  // not the 30 s grace period
}

TEST_CASE("a cluster drops the connections still open once the grace period after stop() has passed",
          "[cluster][threads]") {
  Cluster cluster({.workers = 2, .handleSignals = false, .gracePeriod = milliseconds(300)},
                  [&](Cluster::Worker& worker) { listen_echo(worker); });
  cluster.start();
  const std::uint16_t port = port_of(cluster);
  Client open(port);
  REQUIRE(open.echo("before stop"));
  auto stopped_at = Clock::now();
  cluster.stop();
  cluster.wait();
  auto took = Clock::now() - stopped_at;
  CHECK(took >= milliseconds(250));
  CHECK(took < seconds(5));
  CHECK(open.ended_by_server());
}

TEST_CASE("a cluster whose port is held by a listener without reusePort fails with EADDRINUSE",
          "[cluster][threads]") {
  // A plain listener on 127.0.0.1, no SO_REUSEPORT: the workers' reusePort bind fails.
  int holder = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(holder >= 0);
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(holder, reinterpret_cast<sockaddr*>(&at), sizeof at) == 0);
  REQUIRE(::listen(holder, 16) == 0);
  socklen_t length = sizeof at;
  REQUIRE(::getsockname(holder, reinterpret_cast<sockaddr*>(&at), &length) == 0);
  const std::uint16_t port = ntohs(at.sin_port);
  std::atomic<int> setups{0};
  auto started_at = Clock::now();

  SECTION("net::Server, run(Error&)") {
    Cluster cluster({.workers = 2, .handleSignals = false}, [&](Cluster::Worker& worker) {
      ++setups;
      auto server = net::createServer([](const net::SocketPtr& s) { s->pipe(s); });
      net::ListenOptions options;
      options.port = port;
      options.host = "127.0.0.1";
      worker.listen(server, options);
    });
    Error error;
    cluster.run(error);
    CHECK(error.code == "EADDRINUSE");
    CHECK(error.syscall == "listen");
    CHECK(error.message == "listen EADDRINUSE: address already in use 127.0.0.1:" + std::to_string(port));
  }
  SECTION("Acceptor, start() throws") {
    Cluster cluster({.workers = 2, .handleSignals = false}, [&](Cluster::Worker& worker) {
      ++setups;
      berth::ListenOptions options;
      options.port = port;
      options.host = "127.0.0.1";
      worker.listen(options);
    });
    std::string code;
    try {
      cluster.start();
    } catch (const Error& e) {
      code = e.code;
    }
    CHECK(code == "EADDRINUSE");
  }
  CHECK(setups == 1);  // worker 0 failed: the others never started
  CHECK(Clock::now() - started_at < seconds(5));
  ::close(holder);
}

TEST_CASE("a cluster's worker whose setup throws: run() throws it and the other workers stop",
          "[cluster][threads]") {
  Cluster cluster({.workers = 2, .handleSignals = false, .gracePeriod = seconds(5)}, [&](Cluster::Worker& worker) {
    listen_echo(worker);
    if (worker.index() == 1) throw std::runtime_error("worker 1 cannot start");
  });
  auto started_at = Clock::now();
  CHECK_THROWS_WITH(cluster.run(), "worker 1 cannot start");
  CHECK(Clock::now() - started_at < seconds(5));
}

TEST_CASE("a cluster's worker throwing after start(): wait() throws it, as Node's unheard 'error' ends a worker",
          "[cluster][threads]") {
  Cluster cluster({.workers = 2, .handleSignals = false, .gracePeriod = milliseconds(500)},
                  [&](Cluster::Worker& worker) {
                    listen_echo(worker, [] { throw Error("ETEST", "a connection listener threw"); });
                  });
  cluster.start();
  Client client(port_of(cluster));
  Error error;
  cluster.wait(error);
  CHECK(error.code == "ETEST");
}

TEST_CASE("a cluster's post() runs a task on that worker's thread, and refuses once its loop has ended",
          "[cluster][threads]") {
  std::array<std::thread::id, 2> threads{};
  Cluster cluster({.workers = 2, .handleSignals = false}, [&](Cluster::Worker& worker) {
    threads[worker.index()] = std::this_thread::get_id();
    listen_echo(worker);
  });
  cluster.start();
  std::promise<std::thread::id> ran_on;
  CHECK(cluster.post(1, [&ran_on] { ran_on.set_value(std::this_thread::get_id()); }));
  auto future = ran_on.get_future();
  REQUIRE(future.wait_for(seconds(5)) == std::future_status::ready);
  CHECK(future.get() == threads[1]);
  CHECK_FALSE(cluster.post(2, [] {}));  // no such worker
  cluster.stop();
  cluster.wait();
  CHECK_FALSE(cluster.post(0, [] {}));  // its loop has ended
}

TEST_CASE("a cluster stops on SIGINT (a second one drops open connections), then SIGINT's handler is back",
          "[cluster][threads]") {
  struct sigaction before{};
  REQUIRE(::sigaction(SIGINT, nullptr, &before) == 0);
  {
    // handleSignals is on by default; the grace period is unbounded, so only the second
    // SIGINT can end the open connection.
    Cluster cluster({.workers = 2, .gracePeriod = milliseconds::max()},
                    [&](Cluster::Worker& worker) { listen_echo(worker); });
    cluster.start();
    const std::uint16_t port = port_of(cluster);
    Client open(port);
    REQUIRE(open.echo("before SIGINT"));
    std::thread([] { ::raise(SIGINT); }).join();
    CHECK(refused_within_5s(port));  // the first SIGINT closed the servers
    CHECK(open.echo("after one SIGINT"));
    auto second_at = Clock::now();
    std::thread([] { ::raise(SIGINT); }).join();
    cluster.wait();
    CHECK(Clock::now() - second_at < seconds(5));
    CHECK(open.ended_by_server());
  }
  struct sigaction after{};
  REQUIRE(::sigaction(SIGINT, nullptr, &after) == 0);
  CHECK(after.sa_handler == before.sa_handler);
  CHECK(after.sa_flags == before.sa_flags);
}
