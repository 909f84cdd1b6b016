// Node's test/parallel/test-net-server-listen-options.js: listen(), listen(cb),
// listen(port), listen({port}) all listen; ports '0', 0, undefined and null mean "any";
// -1, NaN, 123.456, 65536, Infinity and -Infinity throw ERR_SOCKET_BAD_PORT
// (RangeError), in options taking precedence over a path; options with a port or path
// of the wrong kind throw ERR_INVALID_ARG_VALUE "The argument 'options' is invalid.
// Received ...", and options with neither (including {fd: -1}) throw
// ERR_INVALID_ARG_VALUE "The argument 'options' must have the property "port" or
// "path". Received ..." (both TypeError). Node's listen(true), {path: -1} and
// {host: {port: 3000}} are JavaScript type errors C++ rules out.
#include <cmath>
#include <limits>

#include "common.hpp"

namespace test_net_server_listen_options {
using namespace berth;
using namespace berth::node_test;

// assert.throws(fn, {code, name, message: /^prefix.+$/}).
template <class F>
void check_throws_prefix(F&& fn, const std::string& code, ErrorKind kind, const std::string& prefix) {
  try {
    fn();
  } catch (const Error& error) {
    INFO("error: " << error.code << " " << error.message);
    CHECK(error.code == code);
    CHECK(static_cast<int>(error.kind) == static_cast<int>(kind));
    CHECK(error.message.rfind(prefix, 0) == 0);
    CHECK(error.message.size() > prefix.size());
    return;
  }
  FAIL_CHECK("expected a throw with code " << code);
}

TEST_CASE("test-net-server-listen-options", "[node]") {
  Common common;
  std::vector<net::ServerPtr> servers;  // kept so that `this.close()` has its server
  auto make = [&] { return servers.emplace_back(net::createServer()).get(); };
  auto close = [&](net::Server* s) { return common.mustCall([s] { s->close(); }); };

  {
    auto* s = make();
    s->listen().on(net::events::listening, close(s));  // listen()
    s = make();
    s->listen(close(s));  // listen(cb)
    s = make();
    s->listen(0).on(net::events::listening, close(s));  // listen(port)
    s = make();
    s->listen(net::ListenOptions{.port = 0}).on(net::events::listening, close(s));  // listen({port})
  }

  // listen({ port }, cb) and listen(port, cb); the callback closes its server.
  auto listenOnPort = [&](int variant, PortValue port, bool expectListening) {
    auto* s = make();
    std::function<void()> cb = expectListening ? std::function<void()>(close(s)) : common.mustNotCall();
    if (variant == 0) s->listen(net::ListenOptions{.port = std::move(port)}, std::move(cb));
    else s->listen(std::move(port), std::move(cb));
  };
  const Expected assertPort{.code = "ERR_SOCKET_BAD_PORT", .kind = ErrorKind::RangeError};
  const double inf = std::numeric_limits<double>::infinity();
  for (int variant = 0; variant < 2; ++variant) {
    INFO((variant == 0 ? "listen({ port }, cb)" : "listen(port, cb)"));
    // Arbitrary unused ports.
    listenOnPort(variant, "0", true);
    listenOnPort(variant, 0, true);
    listenOnPort(variant, PortValue{}, true);  // undefined
    listenOnPort(variant, nullptr, true);
    // Invalid ports.
    check_throws([&] { listenOnPort(variant, -1, false); }, assertPort);
    check_throws([&] { listenOnPort(variant, std::nan(""), false); }, assertPort);
    check_throws([&] { listenOnPort(variant, 123.456, false); }, assertPort);
    check_throws([&] { listenOnPort(variant, 65536, false); }, assertPort);
    check_throws([&] { listenOnPort(variant, inf, false); }, assertPort);
    check_throws([&] { listenOnPort(variant, -inf, false); }, assertPort);
  }
  // In listen(options, cb), port takes precedence over path.
  check_throws([&] { make()->listen(net::ListenOptions{.port = -1, .path = common.PIPE()}, common.mustNotCall()); },
               assertPort);

  // shouldFailToListen(options).
  const std::string invalid = "The argument 'options' is invalid. Received ";
  const std::string noPortOrPath = "The argument 'options' must have the property \"port\" or \"path\". Received ";
  auto shouldFailToListen = [&](net::ListenOptions options, const std::string& prefix) {
    check_throws_prefix([&] { make()->listen(std::move(options), common.mustNotCall()); }, "ERR_INVALID_ARG_VALUE",
                        ErrorKind::TypeError, prefix);
  };
  shouldFailToListen({.port = false}, invalid);
  shouldFailToListen({.port = true}, invalid);
  // Invalid fd as listen(handle).
  shouldFailToListen({.fd = -1}, noPortOrPath);
  // Neither port nor path is specified.
  shouldFailToListen({}, noPortOrPath);
  shouldFailToListen({.host = "localhost"}, noPortOrPath);
  shouldFailToListen({.host = "localhost:3000"}, noPortOrPath);
  shouldFailToListen({.exclusive = true}, noPortOrPath);

  common.run();
}

}  // namespace test_net_server_listen_options
