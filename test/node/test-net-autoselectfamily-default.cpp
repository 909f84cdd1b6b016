// Node's test/parallel/test-net-autoselectfamily-default.js: connect() without an
// autoSelectFamily option follows net.setDefaultAutoSelectFamily(): with true, a
// lookup giving ::1 then 127.0.0.1 reaches the IPv4 server when only it listens;
// with false, only ::1 is tried and the connection fails with ECONNREFUSED
// "connect ECONNREFUSED ::1:port". Node serves the records from a local DNS server
// (dgram + dns.Resolver, not part of net); here the lookup answers with the same
// records. Node runs the two cases side by side, each setting the process-wide
// default right before its connect(); here they run one after the other, and the
// default is restored at the end.
#include "common.hpp"

#include <asio/post.hpp>

namespace test_net_autoselectfamily_default {
using namespace berth;
using namespace berth::node_test;

const auto autoSelectFamilyAttemptTimeout = std::chrono::milliseconds(2500);  // common's platformTimeout(2500)

LookupFunction makeLookup(Common& common) {
  return common.mustCall([](const std::string& hostname, const LookupOptions& options, LookupCallback cb) {
    CHECK(options.family != 4);
    CHECK(hostname == "example.org");
    std::vector<LookupAddress> hosts{{"::1", 6}, {"127.0.0.1", 4}};
    asio::post(Loop::current().get_executor(), [cb, hosts] { cb(Error{}, hosts); });
  });
}

TEST_CASE("test-net-autoselectfamily-default", "[node]") {
  const bool original = net::getDefaultAutoSelectFamily();
  Common common;
  std::function<void()> second;

  // IPv4 is reached by default if IPv6 is not reachable and the default is enabled.
  {
    auto lookup = makeLookup(common);
    auto ipv4Server = net::createServer([&common](const net::SocketPtr& socket) {
      socket->on(net::events::data, common.mustCall([s = socket.get()](BufferView) {
        s->write("response-ipv4");
        s->end();
      }));
    });
    ipv4Server->listen(0, "127.0.0.1", common.mustCall([&common, &second, ipv4Server, lookup] {
      net::setDefaultAutoSelectFamily(true);
      auto connection = net::createConnection(net::ConnectOptions{.port = ipv4Server->address()->port,
                                                                  .host = "example.org",
                                                                  .lookup = lookup,
                                                                  .autoSelectFamilyAttemptTimeout = autoSelectFamilyAttemptTimeout});
      auto response = std::make_shared<std::string>();
      connection->setEncoding("utf-8");
      connection->on(net::events::data, [response](BufferView chunk) { *response += std::string_view(chunk); });
      connection->on(net::events::end, common.mustCall([response, ipv4Server, &second] {
        CHECK(*response == "response-ipv4");
        ipv4Server->close();
        second();
      }));
      connection->write("request");
    }));
  }

  // IPv4 is not reached by default if IPv6 is not reachable and the default is disabled.
  second = [&] {
    auto lookup = makeLookup(common);
    auto ipv4Server = net::createServer([&common](const net::SocketPtr& socket) {
      socket->on(net::events::data, common.mustCall([s = socket.get()](BufferView) {
        s->write("response-ipv4");
        s->end();
      }));
    });
    ipv4Server->listen(0, "127.0.0.1", common.mustCall([&common, ipv4Server, lookup] {
      net::setDefaultAutoSelectFamily(false);
      const int port = ipv4Server->address()->port;
      auto connection =
          net::createConnection(net::ConnectOptions{.port = port, .host = "example.org", .lookup = lookup});
      connection->on(net::events::ready, common.mustNotCall());
      connection->on(net::events::error, common.mustCall([ipv4Server, port](const Error& error) {
        if (Common::hasIPv6()) {
          CHECK(error.code == "ECONNREFUSED");
          CHECK(error.message == "connect ECONNREFUSED ::1:" + std::to_string(port));
        } else if (error.code == "EAFNOSUPPORT") {
          CHECK(error.message == "connect EAFNOSUPPORT ::1:" + std::to_string(port) + " - Local (undefined:undefined)");
        } else {
          CHECK(error.code == "EADDRNOTAVAIL");
          CHECK(error.message == "connect EADDRNOTAVAIL ::1:" + std::to_string(port) + " - Local (:::0)");
        }
        ipv4Server->close();
      }));
    }));
  };

  common.run();
  net::setDefaultAutoSelectFamily(original);
}

}  // namespace test_net_autoselectfamily_default
