// Node's test/parallel/test-net-buffersize.js: bufferSize counts the bytes written
// while connecting (1..9 after each one-byte write) and is 0 at 'finish'.
// The Node server consumes with 'readable' + read(); this one with resume(), which
// consumes the same bytes (the assertions are all on the client).
#include "common.hpp"

namespace test_net_buffersize {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-buffersize", "[node]") {
  Common common;
  const int iter = 10;
  net::ServerPtr server;
  server = net::createServer([&](const net::SocketPtr& socket) {
    socket->resume();
    socket->on(net::events::end, [&] { server->close(); });
  });
  server->listen(0, common.mustCall([&] {
    auto client = net::connect(server->address()->port);
    client->on(net::events::finish, common.mustCall([client] {
      CHECK(client->bufferSize() == std::optional<std::size_t>(0));
    }));
    for (int i = 1; i < iter; i++) {
      client->write("a");
      CHECK(client->bufferSize() == std::optional<std::size_t>(i));
    }
    client->end();
  }));
  common.run();
}

}  // namespace test_net_buffersize
