// Node's test/parallel/test-net-connect-reset-before-connected.js: resetAndDestroy()
// then destroy() on a socket still connecting emits neither 'connect' nor 'error'.
#include "common.hpp"

namespace test_net_connect_reset_before_connected {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-connect-reset-before-connected", "[node]") {
  Common common;
  auto server = net::createServer();
  server->listen(0);
  REQUIRE(server->address());
  const int port = server->address()->port;
  auto socket = net::connect(port, "127.0.0.1", common.mustNotCall());
  socket->on(net::events::error, common.mustNotCall());
  server->close();
  socket->resetAndDestroy();
  socket->destroy();
  common.run();
}

}  // namespace test_net_connect_reset_before_connected
