// Node's test/parallel/test-net-listening.js: server.listening is false before
// listen(), true in the listen callback, false in the close callback.
#include "common.hpp"

namespace test_net_listening {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-listening", "[node]") {
  Common common;
  auto server = net::createServer();
  CHECK(server->listening() == false);
  server->listen(0, common.mustCall([&] {
    CHECK(server->listening() == true);
    server->close(common.mustCall([&](const Error&) { CHECK(server->listening() == false); }));
  }));
  common.run();
}

}  // namespace test_net_listening
