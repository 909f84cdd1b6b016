// Node's test/parallel/test-net-server-keepalive.js: a server created with keepAlive
// and keepAliveInitialDelay 1000 ms turns keep-alive on for each accepted connection
// with that delay; a later setKeepAlive(true, 1000) changes nothing, and
// setKeepAlive(true, 2000) then (true, 3000) apply the new delays. Node spies on the
// handle's setKeepAlive; this port reads SO_KEEPALIVE and TCP_KEEPIDLE (seconds) off
// the accepted socket, which is what those calls set.
#include "common.hpp"

#include <netinet/tcp.h>

namespace test_net_server_keepalive {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-server-keepalive", "[node]") {
  Common common;
  net::ServerPtr server;
  net::SocketPtr client;
  server = net::createServer(
      {.keepAlive = true, .keepAliveInitialDelay = 1000ms}, common.mustCall([&](const net::SocketPtr& socket) {
        const int fd = tcp_fd(server->address()->port, *socket->remotePort());
        REQUIRE(fd >= 0);
        CHECK(sockopt(fd, SOL_SOCKET, SO_KEEPALIVE) == 1);
        CHECK(sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE) == 1);
        socket->setKeepAlive(true, 1000ms);
        CHECK(sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE) == 1);
        socket->setKeepAlive(true, 2000ms);
        CHECK(sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE) == 2);
        socket->setKeepAlive(true, 3000ms);
        CHECK(sockopt(fd, SOL_SOCKET, SO_KEEPALIVE) == 1);
        CHECK(sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE) == 3);
        socket->destroy();
        server->close();
      }));
  server->listen(0, "127.0.0.1", common.mustCall([&] { client = net::connect(server->address()->port, "127.0.0.1"); }));
  common.run();
}

}  // namespace test_net_server_keepalive
