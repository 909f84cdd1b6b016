// Node's test/parallel/test-net-socket-end-before-connect.js: end() on a socket still
// connecting is remembered: the socket connects, ends and emits 'close'.
#include "common.hpp"

namespace test_net_socket_end_before_connect {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-socket-end-before-connect", "[node]") {
  Common common;
  auto server = net::createServer();
  server->listen(common.mustCall([&] {
    auto socket = net::createConnection(server->address()->port);
    socket->on(net::events::close, common.mustCall([&] { server->close(); }));
    socket->end();
  }));
  common.run();
}

}  // namespace test_net_socket_end_before_connect
