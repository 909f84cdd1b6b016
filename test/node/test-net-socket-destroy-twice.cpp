// Node's test/parallel/test-net-socket-destroy-twice.js: the server binds synchronously
// in listen(0) (its address is known at once) and is closed at once, so the client's
// connect fails; destroy() from the 'error' listener does not emit a second 'close'.
#include "common.hpp"

namespace test_net_socket_destroy_twice {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-socket-destroy-twice", "[node]") {
  Common common;
  auto server = net::createServer();
  server->listen(0);
  REQUIRE(server->address().has_value());
  const int port = server->address()->port;
  auto conn = net::createConnection(port);
  conn->on(net::events::error, common.mustCall([c = conn.get()](const Error&) { c->destroy(); }));
  conn->on(net::events::close, common.mustCall());
  server->close();
  common.run();
}

}  // namespace test_net_socket_destroy_twice
