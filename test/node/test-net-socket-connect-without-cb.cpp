// Node's test/parallel/test-net-socket-connect-without-cb.js: socket.connect() works
// without a callback ('connect' is emitted). Node passes server.address() as the
// options ({address, family, port}: the port and the family are used, the host is the
// default, localhost). Node's test falls back to the port alone when the machine has
// no IPv6; it needs localhost to resolve to ::1 as well (Node v20 itself fails with
// ENOTFOUND where /etc/hosts maps localhost to 127.0.0.1 only), so the port falls back
// when localhost has no IPv6 address either.
#include <netdb.h>

#include "common.hpp"

namespace test_net_socket_connect_without_cb {
using namespace berth;
using namespace berth::node_test;

bool localhostHasIPv6() {
  addrinfo hints{};
  hints.ai_family = AF_INET6;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const bool has = ::getaddrinfo("localhost", nullptr, &hints, &res) == 0 && res;
  if (res) ::freeaddrinfo(res);
  return has;
}

TEST_CASE("test-net-socket-connect-without-cb", "[node]") {
  Common common;
  net::ServerPtr server = net::createServer(common.mustCall([&](const net::SocketPtr& conn) {
    conn->end();
    server->close();
  }));
  net::SocketPtr client;
  server->listen(0, common.mustCall([&] {
    client = net::Socket::create();
    client->on(net::events::connect, common.mustCall([&] { client->end(); }));
    const auto address = *server->address();
    if ((!Common::hasIPv6() || !localhostHasIPv6()) && address.family == "IPv6") client->connect(address.port);
    else client->connect(net::ConnectOptions{.port = address.port, .family = address.family == "IPv6" ? 6 : 4});
  }));
  common.run();
  client.reset();
}

}  // namespace test_net_socket_connect_without_cb
