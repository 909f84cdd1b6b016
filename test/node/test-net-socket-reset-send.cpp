// Node's test/parallel/test-net-socket-reset-send.js: resetAndDestroy() returns the
// socket (destroy() after it too); the peer gets ECONNRESET "read ECONNRESET"; a write
// after it calls back with ERR_STREAM_DESTROYED and emits no 'error'.
#include "common.hpp"

namespace test_net_socket_reset_send {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-socket-reset-send", "[node]") {
  Common common;
  auto server = net::createServer();
  net::SocketPtr conn;
  server->listen(0, common.mustCall([&] {
    conn = net::createConnection(server->address()->port);
    server->on(net::events::connection, [&](net::SocketPtr socket) {
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

}  // namespace test_net_socket_reset_send
