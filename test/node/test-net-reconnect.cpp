// Node's test/parallel/test-net-reconnect.js: a client that ends on each greeting and
// calls connect() again from its 'close' listener reconnects 50 times; every round
// gets the greeting, an 'end' and a 'close' without error on both sides.
#include "common.hpp"

namespace test_net_reconnect {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-reconnect", "[node]") {
  Common common;
  constexpr int N = 50;
  int client_recv_count = 0;
  int client_end_count = 0;
  int disconnect_count = 0;

  net::ServerPtr server = net::createServer([](const net::SocketPtr& socket) {
    socket->resume();
    socket->write("hello\r\n");
    socket->on(net::events::end, [s = socket.get()] { s->end(); });
    socket->on(net::events::close, [](bool had_error) { CHECK_FALSE(had_error); });
  });
  net::SocketPtr client;
  server->listen(0, [&] {
    client = net::createConnection(server->address()->port);
    client->setEncoding("UTF8");
    client->on(net::events::data, [&](BufferView chunk) {
      client_recv_count += 1;
      CHECK(std::string(chunk) == "hello\r\n");
      client->end();
    });
    client->on(net::events::end, [&] { client_end_count++; });
    client->on(net::events::close, [&](bool had_error) {
      CHECK_FALSE(had_error);
      if (disconnect_count++ < N) client->connect(server->address()->port);  // reconnect
      else server->close();
    });
  });
  common.run();
  CHECK(disconnect_count == N + 1);
  CHECK(client_recv_count == N + 1);
  CHECK(client_end_count == N + 1);
  client.reset();
}

}  // namespace test_net_reconnect
