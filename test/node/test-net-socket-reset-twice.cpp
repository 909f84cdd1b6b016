// Node's test/parallel/test-net-socket-reset-twice.js: as test-net-socket-destroy-twice
// with resetAndDestroy(): the connect to a closed server fails, resetAndDestroy() from
// 'error' does not emit a second 'close'.
#include "common.hpp"

namespace test_net_socket_reset_twice {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-socket-reset-twice", "[node]") {
  Common common;
  auto server = net::createServer();
  server->listen(0);
  REQUIRE(server->address().has_value());
  const int port = server->address()->port;
  auto conn = net::createConnection(port);
  conn->on(net::events::error, common.mustCall([c = conn.get()](const Error&) { c->resetAndDestroy(); }));
  conn->on(net::events::close, common.mustCall());
  server->close();
  common.run();
}

}  // namespace test_net_socket_reset_twice
