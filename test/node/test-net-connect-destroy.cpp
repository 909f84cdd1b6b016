// Node's test/parallel/test-net-connect-destroy.js: destroying a Socket that never
// connected emits 'close'.
#include "common.hpp"

namespace test_net_connect_destroy {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-connect-destroy", "[node]") {
  Common common;
  auto socket = net::Socket::create();
  socket->on(net::events::close, common.mustCall());
  socket->destroy();
  common.run();
}

}  // namespace test_net_connect_destroy
