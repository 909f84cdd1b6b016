// Node's test/parallel/test-net-connect-immediate-destroy.js: a connect destroyed
// in the same tick it started emits neither 'connect' nor 'error'.
#include "common.hpp"

namespace test_net_connect_immediate_destroy {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-connect-immediate-destroy", "[node]") {
  Common common;
  auto server = net::createServer();
  server->listen(0);
  REQUIRE(server->address());
  const int port = server->address()->port;
  auto socket = net::connect(port, "127.0.0.1", common.mustNotCall());
  socket->on(net::events::error, common.mustNotCall());
  server->close();
  socket->destroy();
  common.run();
}

}  // namespace test_net_connect_immediate_destroy
