// Node's test/parallel/test-net-eaddrinuse.js: listening on a port another server
// holds emits 'error' whose message mentions EADDRINUSE.
#include "common.hpp"

namespace test_net_eaddrinuse {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-eaddrinuse", "[node]") {
  Common common;
  auto server1 = net::createServer([](const net::SocketPtr&) {});
  auto server2 = net::createServer([](const net::SocketPtr&) {});
  server1->listen(0, common.mustCall([&] {
    server2->on(net::events::error, [&](const Error& error) {
      CHECK_THAT(error.message, Catch::Contains("EADDRINUSE"));
      server1->close();
    });
    server2->listen(server1->address()->port);
  }));
  common.run();
}

}  // namespace test_net_eaddrinuse
