// Node's test/parallel/test-net-listen-ipv6only.js: a server on :: with ipv6Only
// does not accept IPv4: connecting to 0.0.0.0 on its port fails with ECONNREFUSED.
#include "common.hpp"

namespace test_net_listen_ipv6only {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-listen-ipv6only", "[node]") {
  if (!Common::hasIPv6()) return;  // Node skips: no IPv6 support
  Common common;
  const std::string host = "::";
  auto server = net::createServer();
  server->listen(net::ListenOptions{.port = 0, .host = host, .ipv6Only = true}, common.mustCall([&] {
    const int port = server->address()->port;
    auto socket = net::connect(net::ConnectOptions{.port = port, .host = "0.0.0.0"});
    socket->on(net::events::connect, common.mustNotCall());
    socket->on(net::events::error, common.mustCall([&](const Error& err) {
      CHECK(err.code == "ECONNREFUSED");
      server->close();
    }));
  }));
  common.run();
}

}  // namespace test_net_listen_ipv6only
