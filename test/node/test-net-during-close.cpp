// Node's test/parallel/test-net-during-close.js: reading remoteAddress,
// remoteFamily and remotePort of a client still connecting, right after the
// server was closed, does not throw. Node then exits at once, before the client's
// 'error'; a C++ test cannot exit its process, so the port destroys the client
// instead, which ends the loop without that error just as well.
#include "common.hpp"

namespace test_net_during_close {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-during-close", "[node]") {
  Common common;
  net::ServerPtr server = net::createServer([](const net::SocketPtr& socket) { socket->end(); });
  server->listen(0, common.mustCall([&] {
    auto client = net::createConnection(server->address()->port);
    server->close();
    CHECK_NOTHROW(client->remoteAddress());
    CHECK_NOTHROW(client->remoteFamily());
    CHECK_NOTHROW(client->remotePort());
    // Exit now, do not wait for the client error event.
    client->destroy();
  }));
  common.run();
}

}  // namespace test_net_during_close
