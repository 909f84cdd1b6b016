// Node's test/parallel/test-net-socket-constructor.js: new Socket({fd: -1}) throws
// ERR_OUT_OF_RANGE; a new socket, an accepted one and a connecting/connected client
// are readable and writable; so is a socket made over an inherited descriptor ({fd}
// alone or with readable/writable true). Node's worker gets its descriptors through
// cluster (stdio 4-6); here they come from socketpair(). Not ported: {fd: 'foo'} (a
// JavaScript type error C++ rules out) and {handle: socket._handle} (an internal handle).
#include <sys/socket.h>
#include <unistd.h>

#include "common.hpp"

namespace test_net_socket_constructor {
using namespace berth;
using namespace berth::node_test;

void test(const net::SocketPtr& socket, bool readable, bool writable) {
  CHECK(socket->readable() == readable);
  CHECK(socket->writable() == writable);
}
void test(net::SocketOptions options, bool readable, bool writable) {
  auto socket = net::Socket::create(std::move(options));
  socket->unref();
  test(socket, readable, writable);
  socket->destroy();
}

TEST_CASE("test-net-socket-constructor", "[node]") {
  Common common;
  check_throws([] { net::Socket::create({.fd = -1}); }, {.code = "ERR_OUT_OF_RANGE"});

  test(net::SocketOptions{}, true, true);

  net::ServerPtr server = net::createServer(common.mustCall([&](const net::SocketPtr& socket) {
    socket->unref();
    test(socket, true, true);
    server->close();
  }));
  net::SocketPtr client;
  server->listen(common.mustCall([&] {
    client = net::connect(server->address()->port, "localhost", common.mustCall([&] {
      test(client, true, true);
      client->end();
    }));
    test(client, true, true);
  }));

  // The worker's part: sockets over descriptors the process already has.
  for (int variant = 0; variant < 2; ++variant) {
    int sv[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    if (variant == 0) test(net::SocketOptions{.fd = sv[0]}, true, true);
    else test(net::SocketOptions{.fd = sv[0], .readable = true, .writable = true}, true, true);
    ::close(sv[1]);
  }
  common.run();
  client.reset();
}

}  // namespace test_net_socket_constructor
