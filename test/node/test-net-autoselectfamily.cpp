// Node's test/parallel/test-net-autoselectfamily.js: happy eyeballs with
// autoSelectFamily true and a lookup giving ::1 then 127.0.0.1:
// - only IPv4 listening: the connection reaches it; autoSelectFamilyAttemptedAddresses
//   lists both attempts, in order;
// - six addresses (three per family): the attempts interleave the families and
//   only the last, 127.0.0.1, connects;
// - IPv6 listening too: IPv4 is never tried;
// - nothing listening: one AggregateError (code ECONNREFUSED) holding both errors;
// - autoSelectFamily false: only ::1 is tried, ECONNREFUSED "connect ECONNREFUSED ::1:port",
//   and autoSelectFamilyAttemptedAddresses is undefined (empty here).
// Node serves the records from a local DNS server (dgram + dns.Resolver, not part of
// net); here the lookup function answers with the same records. Node's six-address
// case uses public addresses that time out; to stay on loopback this port uses
// addresses that refuse at once (::ffff:127.0.0.2/3 and 127.0.0.2/3), which
// exercises the same interleaving. Port 10 is replaced by a port nothing listens on.
#include "common.hpp"

#include <asio/post.hpp>

namespace test_net_autoselectfamily {
using namespace berth;
using namespace berth::node_test;

const auto autoSelectFamilyAttemptTimeout = std::chrono::milliseconds(2500);  // common's platformTimeout(2500)

// A lookup answering example.org with the AAAA records first, then the A records,
// asynchronously, as the DNS-backed lookup of the Node test does.
LookupFunction makeLookup(Common& common, std::vector<std::string> ipv6, std::vector<std::string> ipv4) {
  return common.mustCall([ipv6, ipv4](const std::string& hostname, const LookupOptions& options, LookupCallback cb) {
    CHECK(options.family != 4);
    CHECK(hostname == "example.org");
    std::vector<LookupAddress> hosts;
    for (const auto& a : ipv6) hosts.push_back({a, 6});
    for (const auto& a : ipv4) hosts.push_back({a, 4});
    asio::post(Loop::current().get_executor(), [cb, hosts] { cb(Error{}, hosts); });
  });
}

// Error.errors of an AggregateError, when berth's Error has such a list.
template <class E>
void check_aggregate(const E& error, const std::vector<std::string>& messages, bool all_required) {
  if constexpr (requires { error.errors; }) {
    CHECK(error.errors.size() == 2);
    std::vector<std::string> got;
    for (const auto& e : error.errors) got.push_back(e.message);
    for (std::size_t i = 0; i < messages.size(); i++)
      if (i == 0 || all_required) CHECK(std::find(got.begin(), got.end(), messages[i]) != got.end());
  } else {
    FAIL_CHECK("berth's Error carries no AggregateError errors list (expected " << messages.size() << " errors)");
  }
  if constexpr (requires { decltype(error.kind)::AggregateError; }) {
    CHECK(static_cast<int>(error.kind) == static_cast<int>(decltype(error.kind)::AggregateError));
  } else {
    FAIL_CHECK("berth's ErrorKind has no AggregateError");
  }
}

std::uint16_t unused_port() {
  auto probe = net::createServer();
  probe->listen(0);
  REQUIRE(probe->address());
  const auto port = probe->address()->port;
  probe->close();
  return port;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + " ";
  return s;
}

TEST_CASE("test-net-autoselectfamily", "[node]") {
  Common common;
  const std::uint16_t port10 = unused_port();

  // IPv4 is reached if IPv6 is not reachable.
  {
    auto lookup = makeLookup(common, {"::1"}, {"127.0.0.1"});
    auto ipv4Server = net::createServer([&common](const net::SocketPtr& socket) {
      socket->on(net::events::data, common.mustCall([s = socket.get()](BufferView) {
        s->write("response-ipv4");
        s->end();
      }));
    });
    ipv4Server->listen(0, "127.0.0.1", common.mustCall([&common, ipv4Server, lookup] {
      const int port = ipv4Server->address()->port;
      auto connection = net::createConnection(net::ConnectOptions{.port = port,
                                                                  .host = "example.org",
                                                                  .lookup = lookup,
                                                                  .autoSelectFamily = true,
                                                                  .autoSelectFamilyAttemptTimeout = autoSelectFamilyAttemptTimeout});
      auto response = std::make_shared<std::string>();
      connection->setEncoding("utf-8");
      connection->on(net::events::ready, common.mustCall([c = connection.get(), port] {
        const std::vector<std::string> expected{"::1:" + std::to_string(port), "127.0.0.1:" + std::to_string(port)};
        CHECK(c->autoSelectFamilyAttemptedAddresses() == expected);
      }));
      connection->on(net::events::data, [response](BufferView chunk) { *response += std::string_view(chunk); });
      connection->on(net::events::end, common.mustCall([response, ipv4Server] {
        CHECK(*response == "response-ipv4");
        ipv4Server->close();
      }));
      connection->write("request");
    }));
  }

  // Only the last successful connection is established.
  {
    auto lookup = makeLookup(common, {"::ffff:127.0.0.2", "::ffff:127.0.0.3", "::1"},
                             {"127.0.0.2", "127.0.0.3", "127.0.0.1"});
    auto ipv4Server = net::createServer([&common](const net::SocketPtr& socket) {
      socket->on(net::events::data, common.mustCall([s = socket.get()](BufferView) {
        s->write("response-ipv4");
        s->end();
      }));
    });
    ipv4Server->listen(0, "127.0.0.1", common.mustCall([&common, ipv4Server, lookup] {
      const int port = ipv4Server->address()->port;
      auto connection = net::createConnection(net::ConnectOptions{.port = port,
                                                                  .host = "example.org",
                                                                  .lookup = lookup,
                                                                  .autoSelectFamily = true,
                                                                  .autoSelectFamilyAttemptTimeout = autoSelectFamilyAttemptTimeout});
      auto response = std::make_shared<std::string>();
      connection->setEncoding("utf-8");
      connection->on(net::events::ready, common.mustCall([c = connection.get(), port] {
        const std::string p = ":" + std::to_string(port);
        const std::vector<std::string> expected{"::ffff:127.0.0.2" + p, "127.0.0.2" + p, "::ffff:127.0.0.3" + p,
                                                "127.0.0.3" + p,        "::1" + p,       "127.0.0.1" + p};
        INFO(join(c->autoSelectFamilyAttemptedAddresses()));
        CHECK(c->autoSelectFamilyAttemptedAddresses() == expected);
      }));
      connection->on(net::events::data, [response](BufferView chunk) { *response += std::string_view(chunk); });
      connection->on(net::events::end, common.mustCall([response, ipv4Server] {
        CHECK(*response == "response-ipv4");
        ipv4Server->close();
      }));
      connection->write("request");
    }));
  }

  // IPv4 is not reached if IPv6 is reachable.
  if (Common::hasIPv6()) {
    auto lookup = makeLookup(common, {"::1"}, {"127.0.0.1"});
    auto ipv4Server = net::createServer([&common](const net::SocketPtr& socket) {
      socket->on(net::events::data, common.mustNotCall());
    });
    auto ipv6Server = net::createServer([&common](const net::SocketPtr& socket) {
      socket->on(net::events::data, common.mustCall([s = socket.get()](BufferView) {
        s->write("response-ipv6");
        s->end();
      }));
    });
    ipv4Server->listen(0, "127.0.0.1", common.mustCall([&common, ipv4Server, ipv6Server, lookup] {
      const int port = ipv4Server->address()->port;
      ipv6Server->listen(port, "::1", common.mustCall([&common, ipv4Server, ipv6Server, lookup, port] {
        auto connection = net::createConnection(net::ConnectOptions{.port = port,
                                                                    .host = "example.org",
                                                                    .lookup = lookup,
                                                                    .autoSelectFamily = true,
                                                                    .autoSelectFamilyAttemptTimeout = autoSelectFamilyAttemptTimeout});
        auto response = std::make_shared<std::string>();
        connection->setEncoding("utf-8");
        connection->on(net::events::ready, common.mustCall([c = connection.get(), port] {
          CHECK(c->autoSelectFamilyAttemptedAddresses() == std::vector<std::string>{"::1:" + std::to_string(port)});
        }));
        connection->on(net::events::data, [response](BufferView chunk) { *response += std::string_view(chunk); });
        connection->on(net::events::end, common.mustCall([response, ipv4Server, ipv6Server] {
          CHECK(*response == "response-ipv6");
          ipv4Server->close();
          ipv6Server->close();
        }));
        connection->write("request");
      }));
    }));
  }

  // All errors are returned when no connection succeeded.
  {
    auto lookup = makeLookup(common, {"::1"}, {"127.0.0.1"});
    auto connection = net::createConnection(net::ConnectOptions{.port = port10,
                                                                .host = "example.org",
                                                                .lookup = lookup,
                                                                .autoSelectFamily = true,
                                                                .autoSelectFamilyAttemptTimeout = autoSelectFamilyAttemptTimeout});
    connection->on(net::events::ready, common.mustNotCall());
    connection->on(net::events::error, common.mustCall([c = connection.get(), port10](const Error& error) {
      const std::string p = ":" + std::to_string(port10);
      CHECK(c->autoSelectFamilyAttemptedAddresses() == std::vector<std::string>{"::1" + p, "127.0.0.1" + p});
      CHECK(error.code == "ECONNREFUSED");  // Node's AggregateError takes its first error's code
      check_aggregate(error, {"connect ECONNREFUSED 127.0.0.1" + p, "connect ECONNREFUSED ::1" + p},
                      Common::hasIPv6());
    }));
  }

  // The option can be disabled.
  {
    auto lookup = makeLookup(common, {"::1"}, {"127.0.0.1"});
    auto ipv4Server = net::createServer([](const net::SocketPtr& socket) {
      socket->on(net::events::data, [s = socket.get()](BufferView) {
        s->write("response-ipv4");
        s->end();
      });
    });
    ipv4Server->listen(0, "127.0.0.1", common.mustCall([&common, ipv4Server, lookup] {
      const int port = ipv4Server->address()->port;
      auto connection = net::createConnection(
          net::ConnectOptions{.port = port, .host = "example.org", .lookup = lookup, .autoSelectFamily = false});
      connection->on(net::events::ready, common.mustNotCall());
      connection->on(net::events::error, common.mustCall([c = connection.get(), ipv4Server, port](const Error& error) {
        CHECK(c->autoSelectFamilyAttemptedAddresses().empty());
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
  }

  common.run();
}

}  // namespace test_net_autoselectfamily
