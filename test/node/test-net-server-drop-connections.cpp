// Node's test/parallel/test-net-server-drop-connections.js: with maxConnections = 1
// the second connection is dropped with a 'drop' event carrying its local and remote
// address, port and family.
#include "common.hpp"

namespace test_net_server_drop_connections {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-server-drop-connections", "[node]") {
  Common common;
  net::SocketPtr firstSocket;
  auto server = net::createServer(common.mustCall([&](const net::SocketPtr& socket) { firstSocket = socket; }));
  server->maxConnections = 1;
  server->on(net::events::drop, common.mustCall([&](const net::DropInfo& data) {
    CHECK(!data.localAddress.value_or("").empty());
    CHECK(data.localPort.value_or(0) != 0);
    CHECK(!data.remoteAddress.value_or("").empty());
    CHECK(data.remotePort.value_or(0) != 0);
    CHECK(!data.remoteFamily.value_or("").empty());
    firstSocket->destroy();
    server->close();
  }));
  server->listen(0, [&] {
    // No 'error' listeners, as in Node: the clients see an orderly end, and an error
    // would be unheard (thrown out of the loop, failing the test).
    net::createConnection(server->address()->port);
    net::createConnection(server->address()->port);
  });
  common.run();
  firstSocket.reset();
}

}  // namespace test_net_server_drop_connections
