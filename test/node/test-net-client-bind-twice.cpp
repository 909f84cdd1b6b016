// Node's test/parallel/test-net-client-bind-twice.js: a client that binds, as its
// local address, a port a server already listens on fails with 'error' EADDRINUSE
// and never connects.
#include "common.hpp"

namespace test_net_client_bind_twice {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-client-bind-twice", "[node]") {
  Common common;
  const std::string localhostIPv4 = "127.0.0.1";
  auto server1 = net::createServer(common.mustNotCall());
  net::ServerPtr server2;
  server1->listen(0, localhostIPv4, common.mustCall([&] {
    server2 = net::createServer(common.mustNotCall());
    server2->listen(0, localhostIPv4, common.mustCall([&] {
      auto client = net::connect(net::ConnectOptions{.port = server1->address()->port,
                                  .host = localhostIPv4,
                                  .localAddress = localhostIPv4,
                                  .localPort = server2->address()->port},
                                 common.mustNotCall());
      client->on(net::events::error, common.mustCall([&](const Error& err) {
        CHECK(err.code == "EADDRINUSE");
        server1->close();
        server2->close();
      }));
    }));
  }));
  common.run();
}

}  // namespace test_net_client_bind_twice
