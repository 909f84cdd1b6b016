// Node's test/parallel/test-net-connect-keepalive.js: connect()'s keepAlive option
// turns keep-alive on with keepAliveInitialDelay in whole seconds (123 ms -> 0,
// 456123 ms -> 456, negative -> 0, none -> 0), and a false keepAlive leaves it off.
// Node spies on the handle's setKeepAlive; this port reads SO_KEEPALIVE and
// TCP_KEEPIDLE off the connected socket (a 0 s delay leaves the kernel's idle time,
// so only the 456 s case has an idle time to compare). Node's truthy and falsy
// JavaScript values (1, 'true', {}, [], 0, '') are a bool in C++.
#include "common.hpp"

#include <netinet/tcp.h>

namespace test_net_connect_keepalive {
using namespace berth;
using namespace berth::node_test;

void connect_with(Common& common, bool keepAlive, std::chrono::milliseconds delay, int expected_idle) {
  auto server = net::createServer();
  server->listen(0, common.mustCall([&common, server, keepAlive, delay, expected_idle] {
    const int port = server->address()->port;
    auto client = std::make_shared<net::SocketPtr>();
    *client = net::connect(net::ConnectOptions{.port = port, .keepAlive = keepAlive, .keepAliveInitialDelay = delay},
                           common.mustCall([client, port, keepAlive, expected_idle] {
                             const int fd = tcp_fd(*(*client)->localPort(), port);
                             REQUIRE(fd >= 0);
                             CHECK(sockopt(fd, SOL_SOCKET, SO_KEEPALIVE) == (keepAlive ? 1 : 0));
                             if (expected_idle > 0) CHECK(sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE) == expected_idle);
                             (*client)->end();
                           }));
    (*client)->on(net::events::end, common.mustCall([server, client] {
      server->close();
      client->reset();
    }));
  }));
}

TEST_CASE("test-net-connect-keepalive", "[node]") {
  Common common;
  const std::pair<std::chrono::milliseconds, int> delays[] = {
      {123ms, 0}, {456123ms, 456}, {-123000ms, 0}, {0ms, 0}};
  for (const auto& [delay, seconds] : delays) connect_with(common, true, delay, seconds);
  connect_with(common, false, 0ms, 0);
  common.run();
}

}  // namespace test_net_connect_keepalive
