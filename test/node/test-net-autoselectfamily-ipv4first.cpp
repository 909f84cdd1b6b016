// Node's test/parallel/test-net-autoselectfamily-ipv4first.js: with autoSelectFamily
// and a lookup giving 127.0.0.1 before ::1, the IPv4 address is tried first and
// connects: the server on ::1 (same port) never gets data. Node serves the records
// from a local DNS server (dgram + dns.Resolver, not part of net); here the lookup
// answers with the same records, in the same order.
#include "common.hpp"

#include <asio/post.hpp>

namespace test_net_autoselectfamily_ipv4first {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-autoselectfamily-ipv4first", "[node]") {
  if (!Common::hasIPv6()) return;  // as Node's `if (common.hasIPv6)`
  Common common;
  auto lookup = common.mustCall([](const std::string& hostname, const LookupOptions& options, LookupCallback cb) {
    CHECK(options.family != 4);
    CHECK(hostname == "example.org");
    std::vector<LookupAddress> hosts{{"127.0.0.1", 4}, {"::1", 6}};
    asio::post(Loop::current().get_executor(), [cb, hosts] { cb(Error{}, hosts); });
  });
  auto ipv4Server = net::createServer([&common](const net::SocketPtr& socket) {
    socket->on(net::events::data, common.mustCall([s = socket.get()](BufferView) {
      s->write("response-ipv4");
      s->end();
    }));
  });
  auto ipv6Server = net::createServer([&common](const net::SocketPtr& socket) {
    socket->on(net::events::data, common.mustNotCall());
  });
  std::string response;
  ipv4Server->listen(0, "127.0.0.1", common.mustCall([&] {
    const int port = ipv4Server->address()->port;
    ipv6Server->listen(port, "::1", common.mustCall([&, port] {
      auto connection = net::createConnection(
          net::ConnectOptions{.port = port, .host = "example.org", .lookup = lookup, .autoSelectFamily = true});
      connection->setEncoding("utf-8");
      connection->on(net::events::data, [&](BufferView chunk) { response += std::string_view(chunk); });
      connection->on(net::events::end, common.mustCall([&] {
        CHECK(response == "response-ipv4");
        ipv4Server->close();
        ipv6Server->close();
      }));
      connection->write("request");
    }));
  }));
  common.run();
}

}  // namespace test_net_autoselectfamily_ipv4first
