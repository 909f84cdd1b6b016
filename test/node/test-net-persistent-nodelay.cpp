// Node's test/parallel/test-net-persistent-nodelay.js: setNoDelay() on a socket that
// has no handle yet returns the socket and is applied once the connection exists. Node
// counts calls of the handle's setNoDelay; this port reads TCP_NODELAY off the socket.
#include "common.hpp"

#include <netinet/tcp.h>

namespace test_net_persistent_nodelay {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-persistent-nodelay", "[node]") {
  Common common;
  auto echoServer = net::createServer([](const net::SocketPtr& connection) { connection->end(); });
  echoServer->listen(0, "127.0.0.1", common.mustCall([&] {
    const int port = echoServer->address()->port;
    auto sock1 = net::Socket::create();
    net::Socket& s = sock1->setNoDelay();  // before the handle is created
    CHECK(&s == sock1.get());
    sock1->connect(port, "127.0.0.1", common.mustCall([sock1, port] {
      const int fd = tcp_fd(*sock1->localPort(), port);
      REQUIRE(fd >= 0);
      CHECK(sockopt(fd, IPPROTO_TCP, TCP_NODELAY) == 1);
    }));
    sock1->on(net::events::end, common.mustCall([&] { echoServer->close(); }));
  }));
  common.run();
}

}  // namespace test_net_persistent_nodelay
