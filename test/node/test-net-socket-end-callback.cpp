// Node's test/parallel/test-net-socket-end-callback.js: end(cb), end(data, cb) and
// end(data, encoding, cb) each call cb once the socket has finished.
#include "common.hpp"

namespace test_net_socket_end_callback {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-socket-end-callback", "[node]") {
  Common common;
  auto server = net::createServer([](const net::SocketPtr& socket) { socket->resume(); });
  server->unref();
  std::vector<net::SocketPtr> sockets;
  server->listen(common.mustCall([&] {
    auto cb = common.mustCall(3);
    auto connect = [&](std::function<void(net::Socket&)> end) {
      auto socket = net::createConnection(server->address()->port);
      socket->on(net::events::connect, [s = socket.get(), end] { end(*s); });
      sockets.push_back(socket);
    };
    connect([cb](net::Socket& s) { s.end(cb); });
    connect([cb](net::Socket& s) { s.end("foo", cb); });
    connect([cb](net::Socket& s) { s.end("foo", Encoding::utf8, cb); });
  }));
  common.run();
  sockets.clear();
}

}  // namespace test_net_socket_end_callback
