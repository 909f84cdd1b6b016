// Node's test/parallel/test-net-socket-close-after-end.js: a server socket that ends
// its side and reads the peer's data only 100 ms after 'readable' (with read()) still
// emits 'end' before 'close'.
#include "common.hpp"

namespace test_net_socket_close_after_end {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-socket-close-after-end", "[node]") {
  Common common;
  auto server = net::createServer();
  server->on(net::events::connection, [&](net::SocketPtr socket) {
    auto endEmitted = std::make_shared<bool>(false);
    socket->once(net::events::readable, [s = socket.get()] { setTimeout([s] { s->read(); }, 100ms); });
    socket->on(net::events::end, [endEmitted] { *endEmitted = true; });
    socket->on(net::events::close, [&, endEmitted] {
      CHECK(*endEmitted);
      server->close();
    });
    socket->end("foo");
  });
  net::SocketPtr client;
  server->listen(common.mustCall([&] {
    client = net::createConnection(server->address()->port, "localhost", [&] { client->end("foo"); });
  }));
  common.run();
  client.reset();
}

}  // namespace test_net_socket_close_after_end
