// Node's test/parallel/test-net-server-reset.js: as test-net-server-close, but the
// server's two connections are closed with resetAndDestroy(): each client gets
// ECONNRESET, each connection and the server get 'close'.
#include "common.hpp"

namespace test_net_server_reset {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-server-reset", "[node]") {
  Common common;
  std::vector<net::SocketPtr> sockets;
  net::ServerPtr server = net::createServer([&](const net::SocketPtr& c) {
    c->on(net::events::close, common.mustCall());
    sockets.push_back(c);
    if (sockets.size() == 2) {
      CHECK(&server->close() == server.get());
      for (auto& s : sockets) s->resetAndDestroy();
    }
  });
  server->on(net::events::close, common.mustCall());
  net::Server& returned = server->listen(0, [&] {
    for (int i = 0; i < 2; ++i)
      net::createConnection(server->address()->port)
          ->on(net::events::error, common.mustCall([](const Error& error) { CHECK(error.code == "ECONNRESET"); }));
  });
  CHECK(&returned == server.get());
  common.run();
  sockets.clear();
}

}  // namespace test_net_server_reset
