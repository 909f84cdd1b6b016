// Node's test/parallel/test-net-dns-lookup-skip.js: connecting to an IP literal
// (127.0.0.1, and ::1 where there is IPv6) does no lookup: no 'lookup' event.
#include "common.hpp"

namespace test_net_dns_lookup_skip {
using namespace berth;
using namespace berth::node_test;

void check(Common& common, int addressType) {
  auto server = std::make_shared<net::ServerPtr>();
  *server = net::createServer([server](const net::SocketPtr& client) {
    client->end();
    (*server)->close();
  });
  const std::string address = addressType == 4 ? "127.0.0.1" : "::1";
  (*server)->listen(0, address, [&common, server, address] {
    net::connect((*server)->address()->port, address)->on(net::events::lookup, common.mustNotCall());
  });
}

TEST_CASE("test-net-dns-lookup-skip", "[node]") {
  Common common;
  check(common, 4);
  if (Common::hasIPv6()) check(common, 6);
  common.run();
}

}  // namespace test_net_dns_lookup_skip
