// Node's test/parallel/test-net-server-max-connections.js: of 20 connections made one
// after another, with maxConnections = 10, the first 10 are served (get 'hello') and the
// last 10 are closed at once without data; the first 10 closes are of rejected ones,
// then the server ends the served ones; all 20 close.
#include "common.hpp"

namespace test_net_server_max_connections {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-server-max-connections", "[node]") {
  Common common;
  constexpr int N = 20;
  int closes = 0;
  std::vector<std::function<void()>> waits;
  std::vector<net::SocketPtr> clients;

  net::ServerPtr server = net::createServer(common.mustCall([&](const net::SocketPtr& connection) {
    connection->write("hello");
    waits.push_back([c = connection.get()] { c->end(); });
  }, N / 2));

  std::function<void(int)> makeConnection = [&](int index) {
    auto c = net::createConnection(server->address()->port);
    clients.push_back(c);
    auto gotData = std::make_shared<bool>(false);
    c->on(net::events::connect, [&, index, gotData, c = c.get()] {
      if (index + 1 < N) makeConnection(index + 1);
      c->on(net::events::close, [&, index, gotData] {
        closes++;
        if (closes < N / 2) {
          INFO(index << " should not have been one of the first closed connections");
          CHECK(server->maxConnections.value_or(0) <= index);
        }
        if (closes == N / 2) {
          auto pending = std::move(waits);
          waits.clear();
          for (auto& cb : pending) cb();
          server->close();
        }
        if (index < server->maxConnections.value_or(0)) {
          INFO(index << " didn't get data, but should have");
          CHECK(*gotData);
        } else {
          INFO(index << " got data, but shouldn't have");
          CHECK_FALSE(*gotData);
        }
      });
    });
    c->on(net::events::end, [c = c.get()] { c->end(); });
    c->on(net::events::data, [gotData](BufferView b) {
      *gotData = true;
      CHECK(b.size() > 0);
    });
    c->on(net::events::error, [](const Error&) {});  // Node's listener only retries on SmartOS
  };

  server->listen(0, [&] { makeConnection(0); });
  server->maxConnections = N / 2;
  common.run();
  CHECK(closes == N);
  clients.clear();
}

}  // namespace test_net_server_max_connections
