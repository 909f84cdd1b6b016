// Node's test/parallel/test-net-socket-connecting.js: `connecting` is true right after
// net.connect() and false in the connect callback. (Node's legacy `_connecting` getter
// is the same property; berth has only `connecting`.)
#include "common.hpp"

namespace test_net_socket_connecting {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-socket-connecting", "[node]") {
  Common common;
  net::ServerPtr server = net::createServer([&](const net::SocketPtr& conn) {
    conn->end();
    server->close();
  });
  net::SocketPtr client;
  server->listen(0, [&] {
    client = net::connect(server->address()->port, "localhost", common.mustCall([&] {
      CHECK_FALSE(client->connecting());
      client->end();
    }));
    CHECK(client->connecting());
  });
  common.run();
  client.reset();
}

}  // namespace test_net_socket_connecting
