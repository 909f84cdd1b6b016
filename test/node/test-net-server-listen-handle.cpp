// Node's test/parallel/test-net-server-listen-handle.js: a server listens on an
// already-bound TCP or Unix socket given as a handle (listen(handle), listen({handle}),
// listen({_handle}), listen({fd})), with or without a callback, and 'listening' comes
// each time; a descriptor that is not a socket (an open regular file) gives the error
// "listen EINVAL: invalid argument". Node makes its handles with internal bindings
// (TCP/Pipe wraps); the C++ equivalent of a handle is a bound socket's descriptor,
// made here with socket()/bind(), and {handle}, {_handle} and {fd} are all that one
// descriptor (berth::net::Handle or ListenOptions::fd).
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

#include "common.hpp"

namespace test_net_server_listen_handle {
using namespace berth;
using namespace berth::node_test;

// A TCP socket bound to 0.0.0.0 on a port of the OS's choice, not listening.
int tcpHandle() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  a.sin_port = 0;
  INFO("unable to bind arbitrary tcp port: " << std::strerror(errno));
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  return fd;
}

// A Unix socket bound to a fresh path in the test's directory.
int pipeHandle(const Common& common) {
  static int counter = 0;
  std::string path = common.PIPE() + "-listen-handle-" + std::to_string(counter++);
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  INFO("unable to bind pipe " << path << ": " << std::strerror(errno));
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  return fd;
}

TEST_CASE("test-net-server-listen-handle", "[node]") {
  Common common;
  // closeServer(): a 'listening' callback that closes its server, to be called once.
  auto closeServer = [&](net::Server* server) { return common.mustCall([server] { server->close(); }); };
  std::vector<net::ServerPtr> servers;
  auto make = [&] { return servers.emplace_back(net::createServer()).get(); };

  // listen(tcp) and listen(tcp, cb).
  for (int withCallback = 0; withCallback < 2; ++withCallback) {
    auto* s = make();
    if (withCallback) s->listen(net::Handle{tcpHandle()}, 511, closeServer(s));
    else s->listen(net::Handle{tcpHandle()}).on(net::events::listening, closeServer(s));
  }
  // listen(pipe) and listen(pipe, cb).
  for (int withCallback = 0; withCallback < 2; ++withCallback) {
    auto* s = make();
    int fd = pipeHandle(common);
    if (withCallback) s->listen(net::Handle{fd}, 511, closeServer(s));
    else s->listen(net::Handle{fd}).on(net::events::listening, closeServer(s));
  }
  // listen({handle | _handle | fd: tcp}) with and without a callback.
  for (int i = 0; i < 6; ++i) {
    auto* s = make();
    if (i % 2 == 0) s->listen(net::ListenOptions{.fd = tcpHandle()}, closeServer(s));
    else s->listen(net::ListenOptions{.fd = tcpHandle()}).on(net::events::listening, closeServer(s));
  }
  // listen({handle | _handle | fd: pipe}) with and without a callback.
  for (int i = 0; i < 6; ++i) {
    auto* s = make();
    int fd = pipeHandle(common);
    if (i % 2 == 0) s->listen(net::ListenOptions{.fd = fd}, closeServer(s));
    else s->listen(net::ListenOptions{.fd = fd}).on(net::events::listening, closeServer(s));
  }
  // An invalid fd: a regular file.
  {
    const std::string file = (common.tmpdir() / "not-a-socket.txt").string();
    std::ofstream(file) << "x";
    int fd = ::open(file.c_str(), O_RDONLY);
    REQUIRE(fd >= 0);
    auto* s = make();
    s->listen(net::ListenOptions{.fd = fd}, common.mustNotCall());
    s->on(net::events::error, common.mustCall([s](const Error& err) {
      check_error(err, {.code = "EINVAL", .message = "listen EINVAL: invalid argument", .kind = ErrorKind::Error});
      s->close();
    }));
  }
  common.run();
}

}  // namespace test_net_server_listen_handle
