// Node's test/parallel/test-net-connect-nodelay.js: connect()'s noDelay option
// true sets TCP_NODELAY on the connection; false leaves it unset (Node never calls
// the handle's setNoDelay then). Node spies on the handle; this port reads
// TCP_NODELAY off the connected socket. Node's truthy and falsy JavaScript values
// (1, 'true', {}, [], 0, '') are a bool in C++.
#include "common.hpp"

#include <netinet/tcp.h>

namespace test_net_connect_nodelay {
using namespace berth;
using namespace berth::node_test;

void connect_with(Common& common, bool noDelay) {
  auto server = net::createServer();
  server->listen(0, common.mustCall([&common, server, noDelay] {
    const int port = server->address()->port;
    auto client = std::make_shared<net::SocketPtr>();
    *client = net::connect(net::ConnectOptions{.port = port, .noDelay = noDelay},
                           common.mustCall([client, port, noDelay] {
                             const int fd = tcp_fd(*(*client)->localPort(), port);
                             REQUIRE(fd >= 0);
                             CHECK((sockopt(fd, IPPROTO_TCP, TCP_NODELAY) != 0) == noDelay);
                             (*client)->end();
                           }));
    (*client)->on(net::events::end, common.mustCall([server, client] {
      server->close();
      client->reset();
    }));
  }));
}

TEST_CASE("test-net-connect-nodelay", "[node]") {
  Common common;
  connect_with(common, true);
  connect_with(common, false);
  common.run();
}

}  // namespace test_net_connect_nodelay
