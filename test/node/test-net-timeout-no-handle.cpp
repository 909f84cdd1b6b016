// Node's test/parallel/test-net-timeout-no-handle.js: setTimeout() on a socket that
// never connects still emits 'timeout' (the socket has no handle then: pending, not
// connecting; Node checks `_handle === null`), and no 'connect'. The idle timer does
// not keep the loop alive; a 200 ms timer does.
#include "common.hpp"

namespace test_net_timeout_no_handle {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-timeout-no-handle", "[node]") {
  Common common;
  auto socket = net::Socket::create();
  socket->setTimeout(50ms);
  socket->on(net::events::timeout, common.mustCall([s = socket.get()] {
    CHECK(s->pending());
    CHECK_FALSE(s->connecting());
  }));
  socket->on(net::events::connect, common.mustNotCall());
  // The socket's timer is unref'd: this one keeps the loop alive long enough.
  setTimeout([] {}, 200ms);
  common.run();
  socket->destroy();
}

}  // namespace test_net_timeout_no_handle
