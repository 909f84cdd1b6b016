// Node's test/parallel/test-net-end-without-connect.js: end() on a Socket that
// never connected does not throw (nor does anything it leads to).
#include "common.hpp"

namespace test_net_end_without_connect {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-end-without-connect", "[node]") {
  Common common;
  auto sock = net::Socket::create();
  CHECK_NOTHROW(sock->end());  // Should not throw.
  common.run();
}

}  // namespace test_net_end_without_connect
