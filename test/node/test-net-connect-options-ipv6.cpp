// Node's test/parallel/test-net-connect-options-ipv6.js: connect() with family 6
// asks the lookup for family 6 and connects to the ::1 it answers; with
// allowHalfOpen the client is still writable after the server's FIN.
#include "common.hpp"

namespace test_net_connect_options_ipv6 {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-connect-options-ipv6", "[node]") {
  if (!Common::hasIPv6()) return;  // Node skips: no IPv6 support
  Common common;
  const std::string hostAddrIPv6 = "::1";
  const std::string HOSTNAME = "dummy";

  auto server = net::createServer({.allowHalfOpen = true}, [&](const net::SocketPtr& socket) {
    socket->resume();
    socket->on(net::events::end, common.mustCall());
    socket->end();
  });

  net::SocketPtr client;
  auto tryConnect = [&] {
    net::ConnectOptions connectOpt{
        .port = server->address()->port,
        .host = HOSTNAME,
        .family = 6,
        .lookup = common.mustCall([&](const std::string& addr, const LookupOptions& opt, LookupCallback cb) {
          CHECK(addr == HOSTNAME);
          CHECK(opt.family == 6);
          cb(Error{}, {LookupAddress{hostAddrIPv6, opt.family}});
        }),
        .allowHalfOpen = true};
    client = net::connect(connectOpt, [&] {
      client->resume();
      client->on(net::events::end, [&] {
        setTimeout([&] {
          CHECK(client->writable());
          client->end();
        }, 10ms);
      });
      client->on(net::events::close, [&] {
        server->close();
        client.reset();
      });
    });
  };

  server->listen(0, hostAddrIPv6, tryConnect);
  common.run();
}

}  // namespace test_net_connect_options_ipv6
