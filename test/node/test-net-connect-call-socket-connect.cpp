// Node's test/parallel/test-net-connect-call-socket-connect.js: net.connect()
// connects through Socket's connect(), and the connection works: 'connect', then
// 'end' after the client ends. (Node spies on Socket.prototype.connect, a
// JavaScript monkey-patch with no C++ counterpart: what is left is the behaviour.)
#include "common.hpp"

namespace test_net_connect_call_socket_connect {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-connect-call-socket-connect", "[node]") {
  Common common;
  auto server = net::createServer();
  server->listen(common.mustCall([&] {
    const int port = server->address()->port;
    auto client = std::make_shared<net::SocketPtr>();
    *client = net::connect(net::ConnectOptions{.port = port}, common.mustCall([client] { (*client)->end(); }));
    (*client)->on(net::events::end, common.mustCall([&, client] {
      server->close();
      client->reset();
    }));
  }));
  common.run();
}

}  // namespace test_net_connect_call_socket_connect
