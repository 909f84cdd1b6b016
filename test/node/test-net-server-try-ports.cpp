// Node's test/parallel/test-net-server-try-ports.js: listening on a port in use emits
// EADDRINUSE, after which the same server can listen on another port.
#include "common.hpp"

namespace test_net_server_try_ports {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-server-try-ports", "[node]") {
  Common common;
  auto server1 = net::createServer();
  auto server2 = net::createServer();
  server2->on(net::events::error, common.mustCall([&](const Error& e) {
    CHECK(e.code == "EADDRINUSE");
    server2->listen(0, common.mustCall([&] {
      server1->close();
      server2->close();
    }));
  }));
  server1->listen(0, common.mustCall([&] {
    // This should make server2 emit EADDRINUSE.
    server2->listen(server1->address()->port);
  }));
  common.run();
}

}  // namespace test_net_server_try_ports
