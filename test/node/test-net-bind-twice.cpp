// Node's test/parallel/test-net-bind-twice.js: a second server listening on the
// port another one holds on 127.0.0.1 gets 'error' EADDRINUSE, not 'listening'.
#include "common.hpp"

namespace test_net_bind_twice {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-bind-twice", "[node]") {
  Common common;
  auto server1 = net::createServer(common.mustNotCall());
  net::ServerPtr server2;
  server1->listen(0, "127.0.0.1", common.mustCall([&] {
    server2 = net::createServer(common.mustNotCall());
    server2->listen(server1->address()->port, "127.0.0.1", common.mustNotCall());
    server2->on(net::events::error, common.mustCall([&](const Error& e) {
      CHECK(e.code == "EADDRINUSE");
      server1->close();
    }));
  }));
  common.run();
}

}  // namespace test_net_bind_twice
