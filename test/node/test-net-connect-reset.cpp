// Node's test/parallel/test-net-connect-reset.js: resetAndDestroy() on a Socket
// that never connected emits 'error' ERR_SOCKET_CLOSED.
#include "common.hpp"

namespace test_net_connect_reset {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-connect-reset", "[node]") {
  Common common;
  auto socket = net::Socket::create();
  socket->resetAndDestroy();
  socket->on(net::events::error, common.expectsError({.code = "ERR_SOCKET_CLOSED", .kind = ErrorKind::Error}));
  common.run();
}

}  // namespace test_net_connect_reset
