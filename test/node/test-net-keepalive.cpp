// Node's test/parallel/test-net-keepalive.js: an accepted socket with keep-alive on
// (50 ms initial delay) and no idle timeout, and its client, are both still 'open'
// 100 ms later.
#include "common.hpp"

namespace test_net_keepalive {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-keepalive", "[node]") {
  Common common;
  net::SocketPtr serverConnection;
  net::SocketPtr clientConnection;
  net::ServerPtr echoServer;
  echoServer = net::createServer([&](const net::SocketPtr& connection) {
    serverConnection = connection;
    setTimeout(common.mustCall([&] {
      // Make sure both connections are still open
      CHECK(serverConnection->readyState() == "open");
      CHECK(clientConnection->readyState() == "open");
      serverConnection->end();
      clientConnection->end();
      echoServer->close();
    }, 1), 100ms);
    connection->setTimeout(0ms);
    // Send a keepalive packet after 50 ms
    connection->setKeepAlive(true, 50ms);
    connection->on(net::events::end, [c = connection.get()] { c->end(); });
  });
  echoServer->listen(0);
  echoServer->on(net::events::listening, [&] {
    clientConnection = net::createConnection(echoServer->address()->port);
    clientConnection->setTimeout(0ms);
  });
  common.run();
  serverConnection.reset();
  clientConnection.reset();
}

}  // namespace test_net_keepalive
