// Node's test/parallel/test-net-connect-reset-until-connected.js: resetAndDestroy()
// once both ends know of the connection closes the client ('close' once) and the
// server's socket gets 'error' ECONNRESET "read ECONNRESET".
#include "common.hpp"

namespace test_net_connect_reset_until_connected {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-connect-reset-until-connected", "[node]") {
  Common common;
  auto server = net::createServer();
  net::SocketPtr conn;
  int count = 2;
  auto connok = [&] {
    if (--count == 0) conn->resetAndDestroy();
  };
  server->listen(0, common.mustCall([&] {
    const int port = server->address()->port;
    conn = net::createConnection(port);
    conn->on(net::events::close, common.mustCall());
    server->on(net::events::connection, [&](const net::SocketPtr& socket) {
      connok();
      socket->on(net::events::error, common.expectsError({.code = "ECONNRESET",
                                                          .message = "read ECONNRESET",
                                                          .kind = ErrorKind::Error}));
      server->close();
    });
    conn->on(net::events::connect, connok);
  }));
  common.run();
  conn.reset();
}

}  // namespace test_net_connect_reset_until_connected
