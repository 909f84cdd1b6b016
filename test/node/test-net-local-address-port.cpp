// Node's test/parallel/test-net-local-address-port.js: an accepted socket's
// localAddress, localPort and localFamily are the server's address, port and family.
#include "common.hpp"

namespace test_net_local_address_port {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-local-address-port", "[node]") {
  Common common;
  const std::string localhostIPv4 = "127.0.0.1";
  net::ServerPtr server;
  server = net::createServer(common.mustCall([&](const net::SocketPtr& socket) {
    CHECK(socket->localAddress() == std::optional<std::string>(localhostIPv4));
    CHECK(socket->localPort() == std::optional<int>(server->address()->port));
    CHECK(socket->localFamily() == std::optional<std::string>(server->address()->family));
    socket->on(net::events::end, [&] { server->close(); });
    socket->resume();
  }));
  server->listen(0, localhostIPv4, [&] {
    auto client = net::createConnection(server->address()->port, localhostIPv4);
    client->on(net::events::connect, [c = client.get()] { c->end(); });
  });
  common.run();
}

}  // namespace test_net_local_address_port
