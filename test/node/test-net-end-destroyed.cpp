// Node's test/parallel/test-net-end-destroyed.js: after the client's end(), the
// server (no allowHalfOpen) ends too, and the client's 'end' comes while it is not
// yet destroyed.
#include "common.hpp"

namespace test_net_end_destroyed {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-end-destroyed", "[node]") {
  Common common;
  auto server = net::createServer();
  server->on(net::events::connection, common.mustCall());
  net::SocketPtr socket;
  server->listen(common.mustCall([&] {
    socket = net::createConnection(net::ConnectOptions{.port = server->address()->port});
    socket->on(net::events::connect, common.mustCall([&] {
      socket->on(net::events::end, common.mustCall([&] {
        CHECK(socket->destroyed() == false);
        server->close();
      }));
      socket->end();
    }));
  }));
  common.run();
  socket.reset();
}

}  // namespace test_net_end_destroyed
