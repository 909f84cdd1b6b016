// Node's test/parallel/test-net-socket-timeout-unref.js: connected sockets with idle
// timeouts of several seconds, unref()'d, do not keep the loop alive (no timeout
// fires; the server and its connections are unref'd too).
#include "common.hpp"

namespace test_net_socket_timeout_unref {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-socket-timeout-unref", "[node]") {
  Common common;
  auto server = net::createServer([](const net::SocketPtr& c) {
    c->write("hello");
    c->unref();
  });
  server->listen(0);
  server->unref();
  REQUIRE(server->address().has_value());

  int connections = 0;
  struct Entry {
    net::SocketPtr socket;
    std::chrono::milliseconds timeout;
  };
  std::vector<Entry> sockets;
  const std::vector<int> delays{8, 5, 3, 6, 2, 4};
  for (int T : delays) {
    auto socket = net::createConnection(server->address()->port, "localhost");
    socket->on(net::events::connect, common.mustCall([&] {
      if (++connections == static_cast<int>(delays.size())) {
        for (auto& s : sockets) {
          s.socket->setTimeout(s.timeout, [socket = s.socket.get()] {
            socket->destroy();
            FAIL_CHECK("socket timed out unexpectedly");
          });
          s.socket->unref();
        }
      }
    }));
    sockets.push_back({socket, std::chrono::milliseconds(T * 1000)});
  }
  common.run();
  for (auto& s : sockets) s.socket->destroy();
  server->close();
  sockets.clear();
}

}  // namespace test_net_socket_timeout_unref
