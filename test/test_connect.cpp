#include "berth/connect.hpp"

#include <asio/this_coro.hpp>
#include <catch2/catch.hpp>

#include "berth/acceptor.hpp"
#include "berth/net.hpp"
#include "net_support.hpp"
#include "support.hpp"

using berth::Acceptor;
using berth::ConnectOptions;
using berth::Error;
using berth::test::run_coro;

namespace {

// A port that was just free: listen, note the port, close.
std::uint16_t closed_port(const asio::any_io_executor& ex) {
  Acceptor a(ex);
  a.listen({.host = "127.0.0.1"});
  auto port = a.address()->port;
  a.close();
  return port;
}

Error sync_error(const ConnectOptions& options) {
  try {
    berth::validate_connect_options(options);
  } catch (const Error& e) {
    return e;
  }
  return {};
}

}  // namespace

TEST_CASE("connect to localhost looks the name up, reports it, and connects", "[connect]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    Acceptor acceptor(ex);
    acceptor.listen({.host = "127.0.0.1"});
    std::vector<std::string> events;
    // The default host, localhost, looked up for IPv4: 127.0.0.1 under every ordinary
    // /etc/hosts (with family 0 it can also be ::1, and first).
    ConnectOptions options{.port = acceptor.address()->port, .family = 4};
    options.observers.lookup = [&](const Error& e, const std::string& address, int family, const std::string& host) {
      events.push_back("lookup " + std::string(e ? e.code : "null") + " " + address + " " +
                       std::to_string(family) + " " + host);
    };
    options.observers.attempt = [&](const std::string& address, std::uint16_t, int family) {
      events.push_back("attempt " + address + " " + std::to_string(family));
    };
    auto stream = co_await berth::connect(options);
    CHECK(stream.remote_address()->address == "127.0.0.1");
    REQUIRE(events.size() == 2);
    CHECK(events[0] == "lookup null 127.0.0.1 4 localhost");
    CHECK(events[1] == "attempt 127.0.0.1 4");
  });
}

TEST_CASE("connect to an IP literal makes no lookup", "[connect]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    Acceptor acceptor(ex);
    acceptor.listen({.host = "::1"});
    int lookups = 0;
    ConnectOptions options{.port = acceptor.address()->port, .host = "::1"};
    options.observers.lookup = [&](auto&&...) { ++lookups; };
    auto stream = co_await berth::connect(options);
    CHECK(stream.local_address()->family == "IPv6");
    CHECK(lookups == 0);
  });
}

TEST_CASE("a refused connect is ECONNREFUSED with Node's fields and message", "[connect]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto port = closed_port(ex);
    for (bool with_local : {false, true}) {
      ConnectOptions options{.port = port, .host = "127.0.0.1"};
      if (with_local) options.localAddress = "127.0.0.1";
      Error error;
      co_await berth::connect(options, error);
      CHECK(error.code == "ECONNREFUSED");
      CHECK(error.errnum == -111);
      CHECK(error.syscall == "connect");
      CHECK(*error.address == "127.0.0.1");
      CHECK(*error.port == port);
      CHECK(error.message == "connect ECONNREFUSED 127.0.0.1:" + std::to_string(port));
    }
  });
}

TEST_CASE("a name that does not resolve is ENOTFOUND from getaddrinfo", "[connect]") {
  // A 64-character label (DNS allows 63) under the reserved .invalid: getaddrinfo fails
  // it without asking a DNS server, so it is ENOTFOUND offline too (a name a server is
  // asked about is EAI_AGAIN when no server answers).
  // Built in two steps: g++ 12 warns (-Warray-bounds, wrongly) on `std::string(64, 'a') + ".invalid"`.
  std::string name(64, 'a');
  name += ".invalid";
  run_coro([&]() -> asio::awaitable<void> {
    ConnectOptions options{.port = 80, .host = name};
    Error lookup_error;
    options.observers.lookup = [&](const Error& e, auto&&...) { lookup_error = e; };
    Error error;
    co_await berth::connect(options, error);
    CHECK(error.code == "ENOTFOUND");
    CHECK(error.errnum == -3008);
    CHECK(error.syscall == "getaddrinfo");
    CHECK(*error.hostname == name);
    CHECK_FALSE(error.port);
    CHECK(error.message == "getaddrinfo ENOTFOUND " + name);
    CHECK(lookup_error.code == "ENOTFOUND");
  });
}

TEST_CASE("connect validates its options synchronously with Node's errors", "[connect]") {
  struct Case { ConnectOptions options; const char* code; const char* message; };
  std::vector<Case> cases;
  cases.push_back({{.port = -1}, "ERR_SOCKET_BAD_PORT", "Port should be >= 0 and < 65536. Received type number (-1)."});
  cases.push_back({{.port = 65536}, "ERR_SOCKET_BAD_PORT", "Port should be >= 0 and < 65536. Received type number (65536)."});
  cases.push_back({{.port = 1.5}, "ERR_SOCKET_BAD_PORT", "Port should be >= 0 and < 65536. Received type number (1.5)."});
  cases.push_back({{.port = "abc"}, "ERR_SOCKET_BAD_PORT", "Port should be >= 0 and < 65536. Received type string ('abc')."});
  cases.push_back({{.port = true}, "ERR_INVALID_ARG_TYPE", "The \"options.port\" property must be one of type number or string. Received type boolean (true)"});
  cases.push_back({{.port = nullptr}, "ERR_INVALID_ARG_TYPE", "The \"options.port\" property must be one of type number or string. Received null"});
  cases.push_back({{}, "ERR_MISSING_ARGS", "The \"options\" or \"port\" or \"path\" argument must be specified"});
  cases.push_back({{.port = 1, .family = 5}, "ERR_INVALID_ARG_VALUE", "The property 'options.family' must be one of: 0, 4, 6. Received 5"});
  cases.push_back({{.port = 1, .hints = 999}, "ERR_INVALID_ARG_VALUE", "The argument 'hints' is invalid. Received 999"});
  cases.push_back({{.port = 1, .localAddress = "foobar"}, "ERR_INVALID_IP_ADDRESS", "Invalid IP address: foobar"});
  cases.push_back({{.port = 1, .localPort = "foobar"}, "ERR_INVALID_ARG_TYPE", "The \"options.localPort\" property must be of type number. Received type string ('foobar')"});
  for (const auto& c : cases) {
    auto e = sync_error(c.options);
    CHECK(e.code == c.code);
    CHECK(e.message == c.message);
  }
  CHECK(berth::validate_connect_options({.port = "8080"}) == 8080);
}

TEST_CASE("connect to a Unix path: ENOENT when missing, ECONNREFUSED for a regular file", "[connect][unix]") {
  berth::test::TempDir dir;
  run_coro([&]() -> asio::awaitable<void> {
    auto missing = dir.file("missing.sock");
    Error error;
    // Named options: g++ 12 mis-destroys braced temporaries inside co_await expressions.
    ConnectOptions to_missing{.path = missing};
    co_await berth::connect(to_missing, error);
    CHECK(error.code == "ENOENT");
    CHECK(error.errnum == -2);
    CHECK(error.syscall == "connect");
    CHECK(*error.address == missing);
    CHECK_FALSE(error.port);
    CHECK(error.message == "connect ENOENT " + missing);

    auto plain = dir.file("plain");
    std::fclose(std::fopen(plain.c_str(), "w"));
    ConnectOptions to_plain{.path = plain};
    co_await berth::connect(to_plain, error);
    CHECK(error.code == "ECONNREFUSED");

    ConnectOptions to_long{.path = dir.file(std::string(120, 'y'))};
    co_await berth::connect(to_long, error);
    CHECK(error.code == "ENAMETOOLONG");
  });
}

TEST_CASE("a custom lookup function decides the address", "[connect]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    Acceptor acceptor(ex);
    acceptor.listen({.host = "127.0.0.1"});
    std::string asked;
    ConnectOptions options{.port = acceptor.address()->port, .host = "example.berth"};
    options.lookup = [&](const std::string& host, const berth::LookupOptions&, berth::LookupCallback cb) {
      asked = host;
      cb(Error{}, {{"127.0.0.1", 4}});
    };
    auto stream = co_await berth::connect(options);
    CHECK(asked == "example.berth");
    CHECK(stream.remote_address()->address == "127.0.0.1");
  });
}

TEST_CASE("happy eyeballs moves on from a failed address to the next one", "[connect]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    Acceptor acceptor(ex);
    acceptor.listen({.host = "127.0.0.1"});
    auto port = acceptor.address()->port;
    std::vector<std::string> events;
    ConnectOptions options{.port = port, .host = "two.berth"};
    options.lookup = [&](const std::string&, const berth::LookupOptions&, berth::LookupCallback cb) {
      cb(Error{}, {{"::1", 6}, {"127.0.0.1", 4}});  // nothing listens on ::1 at this port
    };
    options.observers.attempt = [&](const std::string& a, std::uint16_t, int) { events.push_back("attempt " + a); };
    options.observers.attempt_failed = [&](const std::string& a, std::uint16_t, int, const Error& e) {
      events.push_back("failed " + a + " " + e.code);
    };
    auto stream = co_await berth::connect(options);
    CHECK(stream.remote_address()->address == "127.0.0.1");
    CHECK(events == std::vector<std::string>{"attempt ::1", "failed ::1 ECONNREFUSED", "attempt 127.0.0.1"});
  });
}

TEST_CASE("auto-select-family defaults follow Node v20", "[connect]") {
  CHECK(berth::getDefaultAutoSelectFamily());
  CHECK(berth::getDefaultAutoSelectFamilyAttemptTimeout() == 250);
  berth::setDefaultAutoSelectFamilyAttemptTimeout(5);
  CHECK(berth::getDefaultAutoSelectFamilyAttemptTimeout() == 10);
  berth::setDefaultAutoSelectFamilyAttemptTimeout(250);
}

// Node v20 (probed: a lookup answering ::1 and 127.0.0.1, autoSelectFamily, nothing
// listening): the socket's error is an AggregateError with code ECONNREFUSED (its first
// error's), message "", no errno/syscall/address of its own, and `errors` holding each
// attempt's error in the order tried: "connect ECONNREFUSED ::1:P", then
// "connect ECONNREFUSED 127.0.0.1:P", each with errno -111, syscall, address and port.
TEST_CASE("when every address fails, connect reports an AggregateError listing each attempt's error", "[connect]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto port = closed_port(ex);
    ConnectOptions options{.port = port, .host = "localhost", .autoSelectFamily = true};
    int lookups = 0;
    options.lookup = [&](const std::string&, const berth::LookupOptions&, berth::LookupCallback cb) {
      ++lookups;  // answers itself: whatever /etc/hosts says about localhost does not matter
      cb(Error{}, {{"::1", 6}, {"127.0.0.1", 4}});
    };
    std::vector<std::string> failed;
    options.observers.attempt_failed = [&](const std::string& a, std::uint16_t, int, const Error& e) {
      failed.push_back(a + " " + e.code);
    };
    Error error;
    co_await berth::connect(options, error);
    CHECK(lookups == 1);
    CHECK(failed == std::vector<std::string>{"::1 ECONNREFUSED", "127.0.0.1 ECONNREFUSED"});
    CHECK(error.kind == berth::ErrorKind::AggregateError);
    CHECK(error.code == "ECONNREFUSED");
    CHECK(error.message.empty());
    CHECK(error.errnum == 0);
    CHECK(error.syscall.empty());
    CHECK_FALSE(error.address);
    CHECK_FALSE(error.port);
    REQUIRE(error.errors.size() == 2);
    const char* addresses[] = {"::1", "127.0.0.1"};
    for (std::size_t i = 0; i < 2; ++i) {
      const Error& inner = error.errors[i];
      CHECK(inner.kind == berth::ErrorKind::Error);
      CHECK(inner.code == "ECONNREFUSED");
      CHECK(inner.errnum == -111);
      CHECK(inner.syscall == "connect");
      CHECK(inner.address == addresses[i]);
      CHECK(inner.port == port);
      CHECK(inner.message == "connect ECONNREFUSED " + std::string(addresses[i]) + ":" + std::to_string(port));
      CHECK(inner.errors.empty());
    }
  });
}

// Node v20 (probed): one address, the same address twice (Node tries each IP once), or
// autoSelectFamily false: the error is the attempt's own, not an AggregateError.
TEST_CASE("a connect that made a single attempt reports that attempt's error itself", "[connect]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto port = closed_port(ex);
    const std::vector<std::pair<std::vector<berth::LookupAddress>, bool>> cases = {
        {{{"127.0.0.1", 4}}, true},
        {{{"127.0.0.1", 4}, {"127.0.0.1", 4}}, true},
        {{{"127.0.0.1", 4}, {"::1", 6}}, false},
    };
    for (const auto& [answer, auto_select] : cases) {
      ConnectOptions options{.port = port, .host = "localhost", .autoSelectFamily = auto_select};
      options.lookup = [answer = answer](const std::string&, const berth::LookupOptions&, berth::LookupCallback cb) {
        cb(Error{}, answer);
      };
      int attempts = 0;
      options.observers.attempt = [&](const std::string&, std::uint16_t, int) { ++attempts; };
      Error error;
      co_await berth::connect(options, error);
      CHECK(attempts == 1);
      CHECK(error.kind == berth::ErrorKind::Error);
      CHECK(error.code == "ECONNREFUSED");
      CHECK(error.message == "connect ECONNREFUSED 127.0.0.1:" + std::to_string(port));
      CHECK(error.errors.empty());
    }
  });
}

// The event layer: the socket's 'error' carries the AggregateError, then 'close' (true).
TEST_CASE("net::Socket emits the AggregateError of a connect whose every address failed", "[connect][net]") {
  berth::Loop& loop = berth::Loop::current();
  std::uint16_t port = closed_port(loop.get_executor());
  std::vector<std::string> trace;
  berth::net::ConnectOptions options{.port = port, .host = "localhost"};
  options.autoSelectFamily = true;
  options.lookup = [](const std::string&, const berth::LookupOptions&, berth::LookupCallback cb) {
    cb(Error{}, {{"::1", 6}, {"127.0.0.1", 4}});
  };
  auto s = berth::net::Socket::create({}, loop);
  s->connect(options);
  s->on(berth::net::events::error, [&](const Error& e) {
    std::string line = "error " + std::string(e.kind == berth::ErrorKind::AggregateError ? "AggregateError" : "other") +
                       " " + e.code + " [" + e.message + "]";
    for (const auto& inner : e.errors) line += " | " + inner.message;
    trace.push_back(line);
  });
  s->on(berth::net::events::close, [&](bool had_error) { trace.push_back(had_error ? "close true" : "close false"); });
  berth::test::run_loop();
  const std::string p = std::to_string(port);
  CHECK(trace == std::vector<std::string>{"error AggregateError ECONNREFUSED [] | connect ECONNREFUSED ::1:" + p +
                                              " | connect ECONNREFUSED 127.0.0.1:" + p,
                                          "close true"});
  CHECK(s->autoSelectFamilyAttemptedAddresses() == std::vector<std::string>{"::1:" + p, "127.0.0.1:" + p});
}

TEST_CASE("a lookup is asked with AI_ADDRCONFIG only when neither a family nor hints were given, as Node",
          "[connect]") {
  // Node v20 (probed): family 0 -> hints 32 (dns.ADDRCONFIG), family 4 or 6 -> hints 0,
  // and hints given -> those hints.
  struct Case {
    int family, hints, expected;
  };
  for (Case c : {Case{0, 0, AI_ADDRCONFIG}, Case{4, 0, 0}, Case{6, 0, 0}, Case{0, AI_V4MAPPED, AI_V4MAPPED}}) {
    int asked = -1;
    run_coro([&]() -> asio::awaitable<void> {
      ConnectOptions options;
      options.port = 1;
      options.host = "example.invalid";
      options.family = c.family;
      options.hints = c.hints;
      options.lookup = [&](const std::string&, const berth::LookupOptions& o, berth::LookupCallback cb) {
        asked = o.hints;
        cb(Error("ENOTFOUND", "getaddrinfo ENOTFOUND example.invalid"), {});
      };
      Error error;
      co_await berth::connect(options, error);
      CHECK(error);
    });
    INFO("family " << c.family << " hints " << c.hints);
    CHECK(asked == c.expected);
  }
}
