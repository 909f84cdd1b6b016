// Node's test/parallel/test-net-server-close.js: listen() and close() return the
// server; closing it with two connections open and then destroying them gives each
// connection a 'close' and the server its 'close'.
#include "common.hpp"

namespace test_net_server_close {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-server-close", "[node]") {
  Common common;
  std::vector<net::SocketPtr> sockets;
  net::ServerPtr server = net::createServer([&](const net::SocketPtr& c) {
    c->on(net::events::close, common.mustCall());
    sockets.push_back(c);
    if (sockets.size() == 2) {
      CHECK(&server->close() == server.get());
      for (auto& s : sockets) s->destroy();
    }
  });
  server->on(net::events::close, common.mustCall());
  net::Server& returned = server->listen(0, [&] {
    net::createConnection(server->address()->port);
    net::createConnection(server->address()->port);
  });
  CHECK(&returned == server.get());
  common.run();
  sockets.clear();
}

}  // namespace test_net_server_close
