// Node's test/parallel/test-net-socket-ready-without-cb.js: a socket connected without
// a callback emits 'ready'. Node passes server.address() as the options (its port and
// family are used, the host is the default, localhost).
#include "common.hpp"

namespace test_net_socket_ready_without_cb {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-socket-ready-without-cb", "[node]") {
  Common common;
  net::ServerPtr server = net::createServer(common.mustCall([&](const net::SocketPtr& conn) {
    conn->end();
    server->close();
  }));
  net::SocketPtr client;
  server->listen(0, "localhost", common.mustCall([&] {
    client = net::Socket::create();
    client->on(net::events::ready, common.mustCall([&] { client->end(); }));
    const auto address = *server->address();
    client->connect(net::ConnectOptions{.port = address.port, .family = address.family == "IPv6" ? 6 : 4});
  }));
  common.run();
  client.reset();
}

}  // namespace test_net_socket_ready_without_cb
