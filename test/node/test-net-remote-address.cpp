// Node's test/parallel/test-net-remote-address.js: a socket is `connecting` with no
// remoteAddress right after net.connect(), has one at 'connect', and gets 'end'.
#include "common.hpp"

namespace test_net_remote_address {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-remote-address", "[node]") {
  Common common;
  auto server = net::createServer();
  server->listen(common.mustCall([&] {
    auto socket = net::connect({.port = server->address()->port});
    CHECK(socket->connecting());
    CHECK_FALSE(socket->remoteAddress());
    socket->on(net::events::connect, common.mustCall([s = socket.get()] {
      CHECK(s->remoteAddress().has_value());
      s->end();
    }));
    socket->on(net::events::end, common.mustCall([&] { server->close(); }));
  }));
  common.run();
}

}  // namespace test_net_remote_address
