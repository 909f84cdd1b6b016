// Node's test/parallel/test-net-connect-reset-after-destroy.js: resetAndDestroy()
// then destroy() on a connected socket returns the socket itself; the peer gets
// 'error' ECONNRESET "read ECONNRESET"; a write after that fails in its callback
// with ERR_STREAM_DESTROYED, and the client emits no 'error'.
#include "common.hpp"

namespace test_net_connect_reset_after_destroy {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-connect-reset-after-destroy", "[node]") {
  Common common;
  auto server = net::createServer();
  net::SocketPtr conn;
  server->listen(0, common.mustCall([&] {
    const int port = server->address()->port;
    conn = net::createConnection(port);
    server->on(net::events::connection, [&](const net::SocketPtr& socket) {
      socket->on(net::events::error, common.expectsError({.code = "ECONNRESET",
                                                          .message = "read ECONNRESET",
                                                          .kind = ErrorKind::Error}));
    });
    conn->on(net::events::connect, common.mustCall([&] {
      CHECK(&conn->resetAndDestroy().destroy() == conn.get());
      conn->on(net::events::error, common.mustNotCall());
      conn->write(Buffer::from("fzfzfzfzfz"),
                  common.expectsError({.code = "ERR_STREAM_DESTROYED",
                                       .message = "Cannot call write after a stream was destroyed",
                                       .kind = ErrorKind::Error}));
      server->close();
    }));
  }));
  common.run();
  conn.reset();
}

}  // namespace test_net_connect_reset_after_destroy
