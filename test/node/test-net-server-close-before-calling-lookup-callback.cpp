// Node's test/parallel/test-net-server-close-before-calling-lookup-callback.js (added
// after v20; Node v20.20.2 behaves the same): close() right after listen(0, 'localhost')
// while the host is still being resolved: 'listening' never comes and nothing keeps
// the loop alive.
#include "common.hpp"

namespace test_net_server_close_before_calling_lookup_callback {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-server-close-before-calling-lookup-callback", "[node]") {
  Common common;
  net::createServer()->listen(0, "localhost", common.mustNotCall()).close();
  common.run();
}

}  // namespace test_net_server_close_before_calling_lookup_callback
