// Node's test/parallel/test-net-socket-destroy-send.js: destroy() returns the socket,
// also when called again; a write after destroy() calls back with
// ERR_STREAM_DESTROYED "Cannot call write after a stream was destroyed" and emits no
// 'error'.
#include "common.hpp"

namespace test_net_socket_destroy_send {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-socket-destroy-send", "[node]") {
  Common common;
  auto server = net::createServer();
  net::SocketPtr conn;
  server->listen(0, common.mustCall([&] {
    conn = net::createConnection(server->address()->port);
    conn->on(net::events::connect, common.mustCall([&] {
      // destroy() returns this, even when called again and it short-circuits.
      CHECK(&conn->destroy().destroy() == conn.get());
      conn->on(net::events::error, common.mustNotCall());
      conn->write(Buffer::from("kaboom"),
                  common.expectsError({.code = "ERR_STREAM_DESTROYED",
                                       .message = "Cannot call write after a stream was destroyed",
                                       .kind = ErrorKind::Error}));
      server->close();
    }));
  }));
  common.run();
  conn.reset();
}

}  // namespace test_net_socket_destroy_send
