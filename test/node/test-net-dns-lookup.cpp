// Node's test/parallel/test-net-dns-lookup.js: connecting to 'localhost' emits
// 'lookup' at least once, with no error, 127.0.0.1 or ::1, family 4 or 6, and the
// host name.
#include "common.hpp"

namespace test_net_dns_lookup {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-dns-lookup", "[node]") {
  Common common;
  net::ServerPtr server;
  server = net::createServer([&](const net::SocketPtr& client) {
    client->end();
    server->close();
  });
  server->listen(0, common.mustCall([&] {
    net::connect(server->address()->port, "localhost")
        ->on(net::events::lookup, common.mustCallAtLeast([](const Error& err, const std::string& ip, int type,
                                                            const std::string& host) {
          CHECK_FALSE(err);
          CHECK((ip == "127.0.0.1" || ip == "::1"));
          CHECK((type == 4 || type == 6));
          CHECK(host == "localhost");
        }, 1));
  }));
  common.run();
}

}  // namespace test_net_dns_lookup
