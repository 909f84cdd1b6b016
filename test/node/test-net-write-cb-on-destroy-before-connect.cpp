// Node's test/parallel/test-net-write-cb-on-destroy-before-connect.js: a write queued
// while connecting calls back with ERR_SOCKET_CLOSED_BEFORE_CONNECTION when the socket
// is destroyed before it connects; no 'connect'.
#include "common.hpp"

namespace test_net_write_cb_on_destroy_before_connect {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-write-cb-on-destroy-before-connect", "[node]") {
  Common common;
  auto server = net::createServer();
  net::SocketPtr socket;
  server->listen(0, common.mustCall([&] {
    socket = net::Socket::create();
    socket->on(net::events::connect, common.mustNotCall());
    socket->connect(net::ConnectOptions{.port = server->address()->port});
    CHECK(socket->connecting());
    socket->write("foo", common.expectsError({.code = "ERR_SOCKET_CLOSED_BEFORE_CONNECTION", .kind = ErrorKind::Error}));
    socket->destroy();
    server->close();
  }));
  common.run();
  socket.reset();
}

}  // namespace test_net_write_cb_on_destroy_before_connect
