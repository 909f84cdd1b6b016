// Node's test/parallel/test-net-server-listen-remove-callback.js: the listen callback
// is a once-listener of 'listening': by 'close' no 'listening' listener is left, and a
// second listen() from 'close' runs only its own callback.
#include "common.hpp"

namespace test_net_server_listen_remove_callback {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-server-listen-remove-callback", "[node]") {
  Common common;
  auto server = net::createServer();
  server->on(net::events::close, [&] { CHECK(server->listenerCount(net::events::listening) == 0); });
  server->listen(0, common.mustCall([&] { server->close(); }));
  server->once(net::events::close, [&] { server->listen(0, common.mustCall([&] { server->close(); })); });
  common.run();
}

}  // namespace test_net_server_listen_remove_callback
