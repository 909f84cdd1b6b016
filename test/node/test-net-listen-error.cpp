// Node's test/parallel/test-net-listen-error.js: listening on an address this host
// does not have (1.1.1.1, port 1) emits 'error' (EACCES or EADDRNOTAVAIL) and never
// runs the listen callback.
#include "common.hpp"

namespace test_net_listen_error {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-listen-error", "[node]") {
  Common common;
  auto server = net::createServer([](const net::SocketPtr&) {});
  server->listen(1, "1.1.1.1", common.mustNotCall());  // EACCES or EADDRNOTAVAIL
  server->on(net::events::error, common.mustCall());
  common.run();
}

}  // namespace test_net_listen_error
