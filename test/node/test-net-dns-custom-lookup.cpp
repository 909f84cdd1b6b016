// Node's test/parallel/test-net-dns-custom-lookup.js: a custom lookup answering
// (on the next tick) 127.0.0.1 for family 4, then ::1 for family 6, is used: the
// 'lookup' event reports no error, that address and that family, and the
// connection reaches the server. A lookup answering no address (undefined in Node;
// an empty string here) fails with 'error' ERR_INVALID_IP_ADDRESS.
// (Node's lookup also writes dnsopts.family, which a const LookupOptions& cannot.)
#include "common.hpp"

namespace test_net_dns_custom_lookup {
using namespace berth;
using namespace berth::node_test;

void check(Common& common, int addressType, std::function<void()> cb) {
  auto server = std::make_shared<net::ServerPtr>();
  *server = net::createServer([server, cb](const net::SocketPtr& client) {
    client->end();
    (*server)->close();
    if (cb) cb();
  });
  const std::string address = addressType == 4 ? "127.0.0.1" : "::1";
  auto lookup = [addressType](const std::string&, const LookupOptions& dnsopts, LookupCallback cb) {
    Loop::current().nextTick([addressType, all = dnsopts.all, cb] {
      REQUIRE(all);  // berth always asks for every address
      if (addressType == 4) cb(Error{}, {LookupAddress{"127.0.0.1", 4}});
      else cb(Error{}, {LookupAddress{"::1", 6}});
    });
  };
  (*server)->listen(0, address, common.mustCall([&common, server, address, addressType, lookup] {
    auto s = net::connect(net::ConnectOptions{
        .port = (*server)->address()->port, .host = "localhost", .family = addressType, .lookup = lookup});
    s->on(net::events::lookup, common.mustCall([address, addressType](const Error& err, const std::string& ip, int type) {
      CHECK_FALSE(err);
      CHECK(address == ip);
      CHECK(type == addressType);
    }));
  }));
}

TEST_CASE("test-net-dns-custom-lookup", "[node]") {
  Common common;
  check(common, 4, [&common] {
    if (Common::hasIPv6()) check(common, 6, {});
  });

  net::connect(net::ConnectOptions{.port = 80,
                                   .host = "localhost",
                                   .lookup = [](const std::string&, const LookupOptions&, LookupCallback cb) {
                                     cb(Error{}, {LookupAddress{"", 4}});
                                   }})
      ->on(net::events::error, common.expectsError({.code = "ERR_INVALID_IP_ADDRESS"}));
  common.run();
}

}  // namespace test_net_dns_custom_lookup
