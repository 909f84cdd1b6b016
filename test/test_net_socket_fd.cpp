// net::Socket made from a descriptor (SocketOptions::fd, and ConnectOptions::fd for
// net.connect): a connected one, and an unconnected one that connect() then connects,
// the same descriptor. Each expected value is what Node v20 printed for the same
// scenario, its handles made with the internal Pipe and TCP bindings
// (node --expose-internals).

#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "berth/net.hpp"
#include "net_support.hpp"

using namespace berth;
using berth::test::run_loop;
using berth::test::Trace;

namespace {

std::string flag(bool b) { return b ? "true" : "false"; }

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("berth-fd-" + std::to_string(::getpid()) + "-" + name)).string();
}

sockaddr_un unix_address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  REQUIRE(path.size() < sizeof addr.sun_path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

// A Unix stream socket bound to `path`, not connected: Node's `new Pipe(SOCKET).bind(path)`.
int bound_unix_socket(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  ::unlink(path.c_str());
  auto addr = unix_address(path);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

// A TCP socket bound to 127.0.0.1 on a port the OS picks, not connected:
// Node's `new TCP(SOCKET).bind('127.0.0.1', 0)`. Returns the descriptor and the port.
std::pair<int, int> bound_tcp_socket() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  return {fd, ntohs(addr.sin_port)};
}

std::string peer_path(int fd) {
  sockaddr_un addr{};
  socklen_t len = sizeof addr;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "";
  return addr.sun_path;
}

void trace_events(const net::SocketPtr& s, Trace& trace) {
  namespace ev = net::events;
  s->on(ev::connect, [&trace] { trace("connect"); });
  s->on(ev::ready, [&trace] { trace("ready"); });
  s->on(ev::data, [&trace](BufferView chunk) { trace("data " + chunk.toString()); });
  s->on(ev::end, [&trace] { trace("end"); });
  s->on(ev::error, [&trace](const Error& e) { trace("error " + e.code + " " + e.message); });
  s->on(ev::close, [&trace](bool had_error) { trace("close " + flag(had_error)); });
}

}  // namespace

TEST_CASE("a socket made from an unconnected descriptor that nobody connects fails its read with EINVAL",
          "[net][fd]") {
  // Node: new Socket({fd}) reads at once; connecting false, pending false, 'open';
  // then 'error' EINVAL "read EINVAL" and 'close'.
  const auto path = temp_path("lonely");
  const int fd = bound_unix_socket(path);
  Trace trace;
  auto s = net::Socket::create({.fd = fd, .readable = true, .writable = true});
  CHECK(s->connecting() == false);
  CHECK(s->pending() == false);
  CHECK(s->readyState() == "open");
  CHECK_FALSE(s->remoteAddress());
  trace_events(s, trace);
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"error EINVAL read EINVAL", "close true"});
  CHECK(s->destroyed());
  ::unlink(path.c_str());
}

TEST_CASE("net::connect with fd and path connects that same descriptor", "[net][fd]") {
  const auto server_path = temp_path("server");
  const auto client_path = temp_path("client");
  ::unlink(server_path.c_str());
  std::string received;
  auto server = net::createServer([&](const net::SocketPtr& c) {
    c->on(net::events::data, [&received](BufferView chunk) { received += chunk.toString(); });
    c->on(net::events::end, [c] { c->end(); });
  });
  Trace trace;
  const int fd = bound_unix_socket(client_path);
  server->listen(net::ListenOptions{.path = server_path}, [&] {
    auto s = net::connect(net::ConnectOptions{.path = server_path, .fd = fd});
    CHECK(s->connecting());
    CHECK(s->readyState() == "opening");
    trace_events(s, trace);
    s->on(net::events::connect, [&, s] {
      trace("peer " + flag(peer_path(fd) == server_path));
      s->end("hello");
    });
    s->on(net::events::close, [server](bool) { server->close(); });
  });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"connect", "peer true", "ready", "end", "close false"});
  CHECK(received == "hello");
  ::unlink(client_path.c_str());
}

TEST_CASE("net::connect with fd and a missing path fails with connect ENOENT", "[net][fd]") {
  // Node: connecting true and 'opening' at once; then 'error' ENOENT
  // "connect ENOENT <path>" and 'close' true.
  const auto path = temp_path("bound");
  const auto missing = temp_path("missing");
  const int fd = bound_unix_socket(path);
  Trace trace;
  auto s = net::connect(net::ConnectOptions{.path = missing, .fd = fd});
  CHECK(s->connecting());
  CHECK(s->readyState() == "opening");
  trace_events(s, trace);
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"error ENOENT connect ENOENT " + missing, "close true"});
  ::unlink(path.c_str());
}

TEST_CASE("net::connect with a bound TCP descriptor and an IP literal connects from the bound port",
          "[net][fd]") {
  // Node: connecting true, 'opening'; then connect (remoteAddress 127.0.0.1, the
  // server's port, localAddress 127.0.0.1), ready, data, end, close false.
  auto server = net::createServer([](const net::SocketPtr& c) { c->end("hi"); });
  auto [fd, local_port] = bound_tcp_socket();
  Trace trace;
  server->listen(0, "127.0.0.1", [&, fd = fd, local_port = local_port] {
    const int port = server->address()->port;
    auto s = net::connect(net::ConnectOptions{.port = port, .host = "127.0.0.1", .fd = fd});
    CHECK(s->connecting());
    CHECK(s->readyState() == "opening");
    trace_events(s, trace);
    s->on(net::events::connect, [&trace, s, port, local_port] {
      trace("remote " + s->remoteAddress().value_or("?") + " " + flag(s->remotePort() == port) + " local " +
            s->localAddress().value_or("?") + " " + flag(s->localPort() == local_port));
    });
    s->on(net::events::close, [server](bool) { server->close(); });
  });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"connect", "remote 127.0.0.1 true local 127.0.0.1 true", "ready",
                                                "data hi", "end", "close false"});
}
