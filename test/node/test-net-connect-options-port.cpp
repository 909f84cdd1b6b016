// Node's test/parallel/test-net-connect-options-port.js: the six ways of connecting
// (createConnection / connect / new Socket().connect, with a listener or with
// on('connect')) validate the port synchronously: booleans and null throw
// ERR_INVALID_ARG_TYPE (TypeError); '', ' ', '0x', '-0x1', NaN, Infinity, -1 and
// 65536 throw ERR_SOCKET_BAD_PORT (RangeError); a bad `hints` throws
// ERR_INVALID_ARG_VALUE. A port given as a number, a decimal string or a hex string
// connects (72 connections); port 0 fails asynchronously with "connect E...".
// Not written: [] and {} as a port (JavaScript types C++ rules out).
#include "common.hpp"

#include <netdb.h>
#include <regex>

namespace test_net_connect_options_port {
using namespace berth;
using namespace berth::node_test;

using Fn = std::function<net::SocketPtr()>;
using GetCb = std::function<std::function<void()>()>;

std::vector<Fn> doConnect(net::ConnectOptions args, GetCb getCb) {
  return {
      [=] {  // createConnectionWithCb
        auto s = net::createConnection(args, getCb());
        s->resume();
        return s;
      },
      [=] {  // createConnectionWithoutCb
        auto s = net::createConnection(args);
        s->on(net::events::connect, getCb());
        s->resume();
        return s;
      },
      [=] {  // connectWithCb
        auto s = net::connect(args, getCb());
        s->resume();
        return s;
      },
      [=] {  // connectWithoutCb
        auto s = net::connect(args);
        s->on(net::events::connect, getCb());
        s->resume();
        return s;
      },
      [=] {  // socketConnectWithCb
        auto s = net::Socket::create();
        s->connect(args, getCb()).resume();
        return s;
      },
      [=] {  // socketConnectWithoutCb
        auto s = net::Socket::create();
        s->connect(args).on(net::events::connect, getCb());
        s->resume();
        return s;
      },
  };
}

void syncFailToConnect(Common& common, PortValue port, const Expected& assertErr, bool optOnly = false) {
  const int family = 4;
  INFO("port " << port.describe());
  auto dont = [&common] { return std::function<void()>(common.mustNotCall()); };
  // Node's connect(port[, host]) calls go through the same options here.
  const int rounds = optOnly ? 1 : 2;
  for (int round = 0; round < rounds; round++) {
    for (const auto& fn : doConnect(net::ConnectOptions{.port = port, .family = family}, dont))
      check_throws(fn, assertErr);
    for (const auto& fn : doConnect(net::ConnectOptions{.port = port, .host = "localhost", .family = family}, dont))
      check_throws(fn, assertErr);
  }
}

void canConnect(Common& common, PortValue port) {
  auto noop = [&common] { return std::function<void()>(common.mustCall()); };
  const int family = 4;
  for (int round = 0; round < 2; round++) {  // Node's positional and options forms
    for (const auto& fn : doConnect(net::ConnectOptions{.port = port, .family = family}, noop)) fn();
    for (const auto& fn : doConnect(net::ConnectOptions{.port = port, .host = "localhost", .family = family}, noop))
      fn();
  }
}

void asyncFailToConnect(Common& common, PortValue port) {
  auto onError = [&common] {
    return common.mustCall([](const Error& err) {
      CHECK(static_cast<int>(err.kind) == static_cast<int>(ErrorKind::Error));
      CHECK(std::regex_match(err.message, std::regex("^connect E\\w+.+$")));
    });
  };
  auto dont = [&common] { return std::function<void()>(common.mustNotCall()); };
  const int family = 4;
  for (const auto& fn : doConnect(net::ConnectOptions{.port = port, .family = family}, dont))
    fn()->on(net::events::error, onError());
  for (const auto& fn : doConnect(net::ConnectOptions{.port = port, .family = family}, dont))
    fn()->on(net::events::error, onError());
  for (const auto& fn : doConnect(net::ConnectOptions{.port = port, .host = "localhost", .family = family}, dont))
    fn()->on(net::events::error, onError());
}

std::string toHex(int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%x", n);
  return buf;
}

TEST_CASE("test-net-connect-options-port", "[node]") {
  Common common;
  {
    const Expected portTypeError{.code = "ERR_INVALID_ARG_TYPE", .kind = ErrorKind::TypeError};
    syncFailToConnect(common, true, portTypeError);
    syncFailToConnect(common, false, portTypeError);
    syncFailToConnect(common, nullptr, portTypeError);
  }
  {
    const Expected portRangeError{.code = "ERR_SOCKET_BAD_PORT", .kind = ErrorKind::RangeError};
    syncFailToConnect(common, "", portRangeError);
    syncFailToConnect(common, " ", portRangeError);
    syncFailToConnect(common, "0x", portRangeError, true);
    syncFailToConnect(common, "-0x1", portRangeError, true);
    syncFailToConnect(common, std::numeric_limits<double>::quiet_NaN(), portRangeError);
    syncFailToConnect(common, std::numeric_limits<double>::infinity(), portRangeError);
    syncFailToConnect(common, -1, portRangeError);
    syncFailToConnect(common, 65536, portRangeError);
  }
  {
    // connect({hint}, cb) and connect({hint})
    const int hints = (AI_ADDRCONFIG | AI_V4MAPPED | AI_ALL) + 42;
    auto dont = [&common] { return std::function<void()>(common.mustNotCall()); };
    for (const auto& fn : doConnect(net::ConnectOptions{.port = 42, .hints = hints}, dont)) {
      try {
        fn();
        FAIL_CHECK("expected ERR_INVALID_ARG_VALUE for hints " << hints);
      } catch (const Error& e) {
        CHECK(e.code == "ERR_INVALID_ARG_VALUE");
        CHECK(static_cast<int>(e.kind) == static_cast<int>(ErrorKind::TypeError));
        CHECK(std::regex_search(e.message, std::regex("The argument 'hints' is invalid\\. Received \\d+")));
      }
    }
  }
  {
    const int expectedConnections = 72;
    int serverConnected = 0;
    net::ServerPtr server;
    server = net::createServer(common.mustCall(
        [&](const net::SocketPtr& socket) {
          socket->end("ok");
          if (++serverConnected == expectedConnections) server->close();
        },
        expectedConnections));
    server->listen(0, "127.0.0.1", common.mustCall([&] {
      const int port = server->address()->port;
      // Total connections = 3 * 4(canConnect) * 6(doConnect) = 72
      canConnect(common, port);
      canConnect(common, std::to_string(port));
      canConnect(common, "0x" + toHex(port));
    }));
    // Try connecting to random ports, but do so once the server is closed.
    server->on(net::events::close, [&] { asyncFailToConnect(common, 0); });
    common.run();
  }
}

}  // namespace test_net_connect_options_port
