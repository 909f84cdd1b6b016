// Node's test/parallel/test-net-remote-address-port.js: remoteAddress/remoteFamily/
// remotePort are undefined while connecting, then the loopback address, its family
// and the server's port on the client (the client's own port on the server, which
// differs from the server's), and they stay readable after 'close'.
#include <algorithm>

#include "common.hpp"

namespace test_net_remote_address_port {
using namespace berth;
using namespace berth::node_test;

bool is_candidate_address(const std::optional<std::string>& a) {
  static const std::vector<std::string> candidates{"127.0.0.1", "::1", "::ffff:127.0.0.1"};
  return a && std::find(candidates.begin(), candidates.end(), *a) != candidates.end();
}
bool is_candidate_family(const std::optional<std::string>& f) { return f == "IPv4" || f == "IPv6"; }

TEST_CASE("test-net-remote-address-port", "[node]") {
  Common common;
  int conns_closed = 0;
  net::ServerPtr server;
  server = net::createServer(common.mustCall([&](const net::SocketPtr& socket) {
    INFO("remoteAddress " << socket->remoteAddress().value_or("undefined"));
    CHECK(is_candidate_address(socket->remoteAddress()));
    CHECK(is_candidate_family(socket->remoteFamily()));
    CHECK(socket->remotePort().value_or(0) != 0);
    CHECK(socket->remotePort() != std::optional<int>(server->address()->port));
    socket->on(net::events::end, [&] {
      if (++conns_closed == 2) server->close();
    });
    socket->on(net::events::close, [s = socket.get()] {
      CHECK(is_candidate_address(s->remoteAddress()));
      CHECK(is_candidate_family(s->remoteFamily()));
    });
    socket->resume();
  }, 2));

  server->listen(0, [&] {
    const int port = server->address()->port;
    auto client = net::createConnection(port, "127.0.0.1");
    auto client2 = net::createConnection(port);
    CHECK_FALSE(client->remoteAddress());
    CHECK_FALSE(client->remoteFamily());
    CHECK_FALSE(client->remotePort());
    CHECK_FALSE(client2->remoteAddress());
    CHECK_FALSE(client2->remoteFamily());
    CHECK_FALSE(client2->remotePort());
    for (auto* c : {client.get(), client2.get()}) {
      c->on(net::events::connect, [&, c] {
        CHECK(is_candidate_address(c->remoteAddress()));
        CHECK(is_candidate_family(c->remoteFamily()));
        CHECK(c->remotePort() == std::optional<int>(server->address()->port));
        c->end();
      });
      c->on(net::events::close, [c] {
        CHECK(is_candidate_address(c->remoteAddress()));
        CHECK(is_candidate_family(c->remoteFamily()));
      });
    }
  });
  common.run();
}

}  // namespace test_net_remote_address_port
