// Node's test/parallel/test-net-writable.js: a client whose peer ended is still
// writable at 'end' (it has not ended its own side yet), and a write then raises no
// error.
#include "common.hpp"

namespace test_net_writable {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-writable", "[node]") {
  Common common;
  net::ServerPtr server = net::createServer(common.mustCall([&](const net::SocketPtr& s) {
    server->close();
    s->end();
  }));
  net::SocketPtr socket;
  server->listen(0, "127.0.0.1", common.mustCall([&] {
    socket = net::connect(server->address()->port, "127.0.0.1");
    socket->on(net::events::end, common.mustCall([&] {
      CHECK(socket->writable());
      socket->write("hello world");
    }));
  }));
  common.run();
  socket.reset();
}

}  // namespace test_net_writable
