// Node's test/parallel/test-net-listen-close-server.js: close() right after
// listen() runs neither the listen callback nor an 'error'.
#include "common.hpp"

namespace test_net_listen_close_server {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-listen-close-server", "[node]") {
  Common common;
  auto server = net::createServer([](const net::SocketPtr&) {});
  server->listen(0, common.mustNotCall());
  server->on(net::events::error, common.mustNotCall());
  server->close();
  common.run();
}

}  // namespace test_net_listen_close_server
