// Node's test/parallel/test-net-persistent-keepalive.js: setKeepAlive(true, 400) on a
// socket not yet connected returns the socket and is applied once it connects; with
// idle timeouts disabled both ends are still 'open' 600 ms later, then end cleanly.
#include "common.hpp"

namespace test_net_persistent_keepalive {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-persistent-keepalive", "[node]") {
  Common common;
  net::SocketPtr serverConnection;
  net::SocketPtr clientConnection;
  net::ServerPtr echoServer = net::createServer([&](const net::SocketPtr& connection) {
    serverConnection = connection;
    setTimeout([&] {
      // Make sure both connections are still open
      CHECK(serverConnection->readyState() == "open");
      CHECK(clientConnection->readyState() == "open");
      serverConnection->end();
      clientConnection->end();
      echoServer->close();
    }, 600ms);
    connection->setTimeout(0ms);
    connection->on(net::events::end, [c = connection.get()] { c->end(); });
  });
  echoServer->listen(0);
  echoServer->on(net::events::listening, [&] {
    clientConnection = net::Socket::create();
    // Send a keepalive packet after 400 ms and make sure it persists.
    net::Socket& s = clientConnection->setKeepAlive(true, 400ms);
    CHECK(&s == clientConnection.get());
    clientConnection->connect(echoServer->address()->port);
    clientConnection->setTimeout(0ms);
  });
  common.run();
  serverConnection.reset();
  clientConnection.reset();
}

}  // namespace test_net_persistent_keepalive
