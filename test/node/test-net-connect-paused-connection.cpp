// Node's test/parallel/test-net-connect-paused-connection.js: a paused client socket
// is not an active handle, so with the server and the accepted socket unref'd the
// loop ends at once (the unref'd timer must not fire).
#include "common.hpp"

namespace test_net_connect_paused_connection {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-connect-paused-connection", "[node]") {
  Common common;
  auto server = net::createServer([](const net::SocketPtr& conn) { conn->unref(); });
  server->listen(0, common.mustCall([&] {
    net::connect(server->address()->port, "localhost")->pause();
    setTimeout(common.mustNotCall("expected to exit"), 1000ms)->unref();
  }));
  server->unref();
  common.run();
}

}  // namespace test_net_connect_paused_connection
