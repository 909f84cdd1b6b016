// Node's test/parallel/test-net-server-max-connections-close-makes-more-available.js:
// with maxConnections = 1, of connections 0 and 1 only 0 is served; once 0 is closed,
// of 2 and 3 only 2 is. All four clients connect and write their index; the server
// receives '0' and '2'. Node chains the steps with Promises; here each step starts the
// next from the callback that would resolve its Promise.
#include "common.hpp"

namespace test_net_server_max_connections_close_makes_more_available {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-server-max-connections-close-makes-more-available", "[node]") {
  Common common;
  std::vector<net::SocketPtr> connections(4);
  std::vector<std::string> received;
  std::vector<std::string> sent;

  net::ServerPtr server = net::createServer([&](const net::SocketPtr& socket) {
    socket->on(net::events::data, [&, s = socket.get()](BufferView data) {
      received.emplace_back(data);
      s->write("acknowledged");
    });
  });
  server->maxConnections = 1;

  // createConnection(index).then(next)
  auto createConnection = [&](int index, std::function<void()> next) {
    auto resolved = std::make_shared<bool>(false);
    auto resolve = [resolved, next] {
      if (*resolved) return;
      *resolved = true;
      next();
    };
    auto connection = net::createConnection(server->address()->port);
    connection->on(net::events::connect, [&, index, c = connection.get()] {
      std::string msg = std::to_string(index);
      c->write(msg);
      sent.push_back(msg);
    });
    connection->on(net::events::error, [resolve](const Error& err) {
      CHECK(err.code == "ECONNRESET");
      resolve();
    });
    connection->on(net::events::data, [resolve](BufferView) { resolve(); });
    connection->on(net::events::end, [resolve] { resolve(); });
    connections[index] = connection;
  };
  // closeConnection(index).then(next)
  auto closeConnection = [&](int index, std::function<void()> next) {
    connections[index]->on(net::events::end, [next] { next(); });
    connections[index]->end();
  };

  server->listen(0, [&] {
    createConnection(0, [&] {
      createConnection(1, [&] {
        closeConnection(0, [&] {
          createConnection(2, [&] {
            createConnection(3, [&] {
              server->close();
              closeConnection(2, [] {});
            });
          });
        });
      });
    });
  });
  common.run();
  // All connections tried to send data...
  CHECK(sent == std::vector<std::string>{"0", "1", "2", "3"});
  // ...but only connections 0 and 2 were served.
  CHECK(received == std::vector<std::string>{"0", "2"});
  connections.clear();
}

}  // namespace test_net_server_max_connections_close_makes_more_available
