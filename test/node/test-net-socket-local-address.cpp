// Node's test/parallel/test-net-socket-local-address.js: one Socket connects twice in
// turn (connect() again from 'close'); connect() returns the socket, and the client's
// localPort each time is the remotePort the server saw.
#include "common.hpp"

namespace test_net_socket_local_address {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-socket-local-address", "[node]") {
  Common common;
  int conns = 0;
  std::vector<std::optional<int>> clientLocalPorts;
  std::vector<std::optional<int>> serverRemotePorts;
  auto client = net::Socket::create();
  net::ServerPtr server = net::createServer([&](const net::SocketPtr& socket) {
    serverRemotePorts.push_back(socket->remotePort());
    socket->end();
  });
  server->on(net::events::close, common.mustCall([&] {
    // Client and server agree on the ports used.
    CHECK(serverRemotePorts == clientLocalPorts);
    CHECK(conns == 2);
  }));
  std::function<void()> connect = [&] {
    if (conns == 2) {
      server->close();
      return;
    }
    conns++;
    client->once(net::events::close, [&] { connect(); });
    net::Socket& returned = client->connect(server->address()->port, "127.0.0.1",
                                            [&] { clientLocalPorts.push_back(client->localPort()); });
    CHECK(&returned == client.get());
  };
  server->listen(0, "127.0.0.1", connect);
  common.run();
  client.reset();
}

}  // namespace test_net_socket_local_address
