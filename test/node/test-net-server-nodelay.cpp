// Node's test/parallel/test-net-server-nodelay.js: a server created with noDelay
// sets TCP_NODELAY on each accepted connection. Node spies on the accepted handle's
// setNoDelay (called once, with server.noDelay, and not again by a later
// socket.setNoDelay(true)); this port reads TCP_NODELAY off the accepted socket, which
// is what those calls decide. The call count itself is Node's internals.
#include "common.hpp"

#include <netinet/tcp.h>

namespace test_net_server_nodelay {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-server-nodelay", "[node]") {
  Common common;
  net::ServerPtr server;
  net::SocketPtr client;
  server = net::createServer({.noDelay = true}, common.mustCall([&](const net::SocketPtr& socket) {
    const int fd = tcp_fd(server->address()->port, *socket->remotePort());
    REQUIRE(fd >= 0);
    CHECK(sockopt(fd, IPPROTO_TCP, TCP_NODELAY) == 1);
    socket->setNoDelay(true);
    CHECK(sockopt(fd, IPPROTO_TCP, TCP_NODELAY) == 1);
    socket->destroy();
    server->close();
  }));
  server->listen(0, "127.0.0.1", common.mustCall([&] { client = net::connect(server->address()->port, "127.0.0.1"); }));
  common.run();
}

}  // namespace test_net_server_nodelay
