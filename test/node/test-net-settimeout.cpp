// Node's test/parallel/test-net-settimeout.js: setTimeout(T, cb) returns the socket,
// and setTimeout(0) right after disables it: no 'timeout' while the socket stays idle
// for 2T after its data.
#include "common.hpp"

namespace test_net_settimeout {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-settimeout", "[node]") {
  Common common;
  constexpr auto T = 100ms;
  net::ServerPtr server = net::createServer(common.mustCall([](const net::SocketPtr& c) { c->write("hello"); }));
  server->listen(0, [&] {
    auto socket = net::createConnection(server->address()->port, "localhost");
    net::Socket& s = socket->setTimeout(T, common.mustNotCall());
    CHECK(&s == socket.get());
    socket->on(net::events::data, common.mustCall([&, socket = socket.get()](BufferView) {
      setTimeout([&, socket] {
        socket->destroy();
        server->close();
      }, T * 2);
    }));
    socket->setTimeout(0ms);
  });
  common.run();
}

}  // namespace test_net_settimeout
