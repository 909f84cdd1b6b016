// server.listen()'s option handling, combination by combination, against Node v20: which
// option wins (fd >= 0, then a set port, then a path), what throws synchronously
// (code, class, message) and what is emitted as 'error'. Each expectation came from
// running the same listen() call on Node v20.20.2. Also connect()'s synchronous
// validation, in Node's order.

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "berth/connect.hpp"
#include "berth/net.hpp"
#include "net_support.hpp"
#include "support.hpp"

using namespace berth;
using namespace std::chrono_literals;
using berth::test::run_loop;

namespace {

struct Thrown {
  bool threw = false;
  Error error;
};

Thrown listen_throws(const net::ServerPtr& server, const net::ListenOptions& options) {
  Thrown out;
  try {
    server->listen(options);
  } catch (const Error& e) {
    out.threw = true;
    out.error = e;
  }
  return out;
}

// What a listen() that did not throw led to: "listening <kind>" or "error <code> | <message>".
std::string outcome(const net::ServerPtr& server) {
  auto result = std::make_shared<std::string>("nothing");
  std::weak_ptr<net::Server> weak = server;
  server->on(net::events::listening, [result, weak] {
    auto s = weak.lock();
    auto a = s->address();
    *result = !a ? "listening ?" : a->is_unix() ? "listening path " + a->address : "listening tcp " + a->address;
    s->close();
  });
  server->on(events::error, [result](const Error& e) { *result = "error " + e.code + " | " + e.message; });
  run_loop(10s);
  return *result;
}

const char* kBadPort = "ERR_SOCKET_BAD_PORT";

}  // namespace

TEST_CASE("listen: a bad port throws even beside a path (the port is looked at first)", "[net][server][listen]") {
  berth::test::TempDir dir;
  net::ListenOptions options;
  options.port = -1;
  options.path = dir.file("s");
  auto r = listen_throws(net::createServer(), options);
  REQUIRE(r.threw);
  CHECK(r.error.code == kBadPort);
  CHECK(r.error.kind == ErrorKind::RangeError);
  CHECK(r.error.message == "options.port should be >= 0 and < 65536. Received type number (-1).");
  CHECK_FALSE(std::filesystem::exists(dir.file("s")));
}

TEST_CASE("listen: a valid, undefined or null port wins over a path, a boolean port leaves the path",
          "[net][server][listen]") {
  berth::test::TempDir dir;
  struct Case {
    PortValue port;
    std::string expected_prefix;
  };
  for (const Case& c : {Case{0, "listening tcp"}, Case{"0", "listening tcp"}, Case{nullptr, "listening tcp"},
                        Case{PortValue{}, "listening tcp"}, Case{true, "listening path"}}) {
    INFO("port " << c.port.describe());
    auto server = net::createServer();
    net::ListenOptions options;
    options.port = c.port;
    options.path = dir.file("s");
    REQUIRE_FALSE(listen_throws(server, options).threw);
    CHECK(outcome(server).rfind(c.expected_prefix, 0) == 0);
  }
}

TEST_CASE("listen: a path with a host listens on the path", "[net][server][listen]") {
  berth::test::TempDir dir;
  auto server = net::createServer();
  net::ListenOptions options;
  options.path = dir.file("s");
  options.host = "localhost";
  REQUIRE_FALSE(listen_throws(server, options).threw);
  CHECK(outcome(server) == "listening path " + dir.file("s"));
}

TEST_CASE("listen: an fd below 0 is no fd: ERR_INVALID_ARG_VALUE at once, or the port when set",
          "[net][server][listen]") {
  {
    net::ListenOptions options;
    options.fd = -1;
    auto r = listen_throws(net::createServer(), options);
    REQUIRE(r.threw);
    CHECK(r.error.code == "ERR_INVALID_ARG_VALUE");
    CHECK(r.error.kind == ErrorKind::TypeError);
    CHECK(r.error.message == "The argument 'options' must have the property \"port\" or \"path\". Received { fd: -1 }");
  }
  {
    auto r = listen_throws(net::createServer(), net::ListenOptions{});
    REQUIRE(r.threw);
    CHECK(r.error.message == "The argument 'options' must have the property \"port\" or \"path\". Received {}");
  }
  {
    net::ListenOptions options;
    options.backlog = 5;
    auto r = listen_throws(net::createServer(), options);
    REQUIRE(r.threw);
    CHECK(r.error.message == "The argument 'options' must have the property \"port\" or \"path\". Received { backlog: 5 }");
  }
  {
    // Through listen(handle) too.
    Thrown r;
    try {
      net::createServer()->listen(net::Handle{-1});
    } catch (const Error& e) {
      r = {true, e};
    }
    REQUIRE(r.threw);
    CHECK(r.error.code == "ERR_INVALID_ARG_VALUE");
  }
  {
    auto server = net::createServer();
    net::ListenOptions options;
    options.fd = -1;
    options.port = 0;
    REQUIRE_FALSE(listen_throws(server, options).threw);
    CHECK(outcome(server).rfind("listening tcp", 0) == 0);
  }
}

TEST_CASE("listen: an fd that is not a stream socket emits 'listen EINVAL'", "[net][server][listen]") {
  berth::test::TempDir dir;
  std::ofstream(dir.file("f")) << "x";
  int file = ::open(dir.file("f").c_str(), O_RDONLY);
  REQUIRE(file >= 0);
  int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
  REQUIRE(udp >= 0);
  int closed = ::dup(file);
  ::close(closed);
  for (int fd : {file, udp, closed}) {
    INFO("fd " << fd);
    auto server = net::createServer();
    net::ListenOptions options;
    options.fd = fd;
    REQUIRE_FALSE(listen_throws(server, options).threw);  // emitted, not thrown
    CHECK(outcome(server) == "error EINVAL | listen EINVAL: invalid argument");
  }
  ::close(file);
  ::close(udp);
}

TEST_CASE("listen: ports Node rejects, and the ones it takes", "[net][server][listen]") {
  struct Case {
    PortValue port;
    const char* message;  // nullptr: it listens
  };
  const std::vector<Case> cases = {
      {65536, "options.port should be >= 0 and < 65536. Received type number (65536)."},
      {-1, "options.port should be >= 0 and < 65536. Received type number (-1)."},
      {1.5, "options.port should be >= 0 and < 65536. Received type number (1.5)."},
      {std::nan(""), "options.port should be >= 0 and < 65536. Received type number (NaN)."},
      {"", "options.port should be >= 0 and < 65536. Received type string ('')."},
      {" ", "options.port should be >= 0 and < 65536. Received type string (' ')."},
      {"abc", "options.port should be >= 0 and < 65536. Received type string ('abc')."},
      {"0x0", nullptr},
      {"0e3", nullptr},
  };
  for (const auto& c : cases) {
    INFO("port " << c.port.describe());
    auto server = net::createServer();
    net::ListenOptions options;
    options.port = c.port;
    options.host = "127.0.0.1";
    auto r = listen_throws(server, options);
    if (c.message) {
      REQUIRE(r.threw);
      CHECK(r.error.code == kBadPort);
      CHECK(r.error.message == c.message);
    } else {
      REQUIRE_FALSE(r.threw);
      CHECK(outcome(server) == "listening tcp 127.0.0.1");
    }
  }
  {
    net::ListenOptions options;
    options.port = true;
    auto r = listen_throws(net::createServer(), options);
    REQUIRE(r.threw);
    CHECK(r.error.code == "ERR_INVALID_ARG_VALUE");
    CHECK(r.error.message == "The argument 'options' is invalid. Received { port: true }");
  }
}

TEST_CASE("listen: a path that is no pipe name makes the options invalid", "[net][server][listen]") {
  for (std::string path : {"", "123"}) {
    INFO("path '" << path << "'");
    net::ListenOptions options;
    options.path = path;
    auto r = listen_throws(net::createServer(), options);
    REQUIRE(r.threw);
    CHECK(r.error.code == "ERR_INVALID_ARG_VALUE");
    CHECK(r.error.message == "The argument 'options' is invalid. Received { path: '" + path + "' }");
  }
}

TEST_CASE("listen(string): a number >= 0 (or a blank) is a port, anything else a path", "[net][server][listen]") {
  berth::test::TempDir dir;
  for (std::string arg : {std::string(""), std::string(" ")}) {
    Thrown r;
    try {
      net::createServer()->listen(arg);
    } catch (const Error& e) {
      r = {true, e};
    }
    REQUIRE(r.threw);
    CHECK(r.error.code == kBadPort);
    CHECK(r.error.message == "options.port should be >= 0 and < 65536. Received type string ('" + arg + "').");
  }
  // "-1" reads as a number below 0: Node takes it for a pipe name.
  auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  auto server = net::createServer();
  server->listen(std::string("-1"));
  std::string result = outcome(server);
  std::filesystem::current_path(cwd);
  CHECK(result == "listening path -1");
}

TEST_CASE("listen: backlog, exclusive, ipv6Only, readableAll/writableAll with a port, an empty host",
          "[net][server][listen]") {
  for (int variant = 0; variant < 5; ++variant) {
    INFO("variant " << variant);
    auto server = net::createServer();
    net::ListenOptions options;
    options.port = 0;
    if (variant == 0) options.backlog = -1;       // Node: any backlog is taken
    if (variant == 1) options.exclusive = true;  // matters only in a cluster
    if (variant == 2) options.ipv6Only = true;
    if (variant == 3) options.readableAll = options.writableAll = true;  // pipes only
    if (variant == 4) options.host = "";         // falsy: the unspecified address
    REQUIRE_FALSE(listen_throws(server, options).threw);
    CHECK(outcome(server).rfind("listening tcp", 0) == 0);
  }
}

TEST_CASE("listen: a throwing listen() keeps its callback for a later listen", "[net][server][listen]") {
  auto server = net::createServer();
  int calls = 0;
  try {
    server->listen(net::ListenOptions{}, [&] { ++calls; });
  } catch (const Error&) {
  }
  server->listen(0, "127.0.0.1", [&] {
    ++calls;
    server->close();
  });
  run_loop(10s);
  CHECK(calls == 2);  // Node adds the listener before it validates
}

// ---- connect ------------------------------------------------------------------

namespace {

Error connect_error(const ConnectOptions& options) {
  try {
    validate_connect_options(options);
  } catch (const Error& e) {
    return e;
  }
  return {};
}

}  // namespace

TEST_CASE("connect: options are validated in Node's order", "[connect][validation]") {
  struct Case {
    ConnectOptions options;
    const char* code;  // "" : no throw
    std::string message;
  };
  std::vector<Case> cases;
  auto ip = [](ConnectOptions o) {
    o.host = "127.0.0.1";
    return o;
  };
  // A pipe path: nothing else is looked at. An empty path is no pipe.
  cases.push_back({{.port = -1, .path = "/nonexistent"}, "", ""});
  cases.push_back({{.path = "/nonexistent", .localAddress = "x"}, "", ""});
  cases.push_back({{.port = -1, .path = ""}, kBadPort, "Port should be >= 0 and < 65536. Received type number (-1)."});
  cases.push_back({{.path = ""}, "", ""});
  // localAddress before localPort before port; falsy ones are not looked at.
  cases.push_back({{.port = -1, .localAddress = "x"}, "ERR_INVALID_IP_ADDRESS", "Invalid IP address: x"});
  cases.push_back({ip({.port = 1, .localAddress = ""}), "", ""});
  cases.push_back({{.port = -1, .localPort = "abc"}, "ERR_INVALID_ARG_TYPE",
                   "The \"options.localPort\" property must be of type number. Received type string ('abc')"});
  cases.push_back({ip({.port = 1, .localPort = ""}), "", ""});
  cases.push_back({ip({.port = 1, .localPort = -1}), "", ""});
  cases.push_back({ip({.port = 1, .localPort = 70000}), "", ""});
  cases.push_back({{.port = ""}, kBadPort, "Port should be >= 0 and < 65536. Received type string ('')."});
  // autoSelectFamilyAttemptTimeout: an int32 >= 1, whatever autoSelectFamily says.
  for (int ms : {0, -10}) {
    std::string message = "The value of \"options.autoSelectFamilyAttemptTimeout\" is out of range. It must be >= 1 "
                          "&& <= 2147483647. Received " + std::to_string(ms);
    cases.push_back({{.port = 1, .autoSelectFamily = false, .autoSelectFamilyAttemptTimeout = std::chrono::milliseconds(ms)},
                     "ERR_OUT_OF_RANGE", message});
  }
  cases.push_back({{.port = 1, .autoSelectFamilyAttemptTimeout = std::chrono::milliseconds(2147483648LL)},
                   "ERR_OUT_OF_RANGE",
                   "The value of \"options.autoSelectFamilyAttemptTimeout\" is out of range. It must be >= 1 && <= "
                   "2147483647. Received 2147483648"});
  cases.push_back({{.port = 1, .autoSelectFamilyAttemptTimeout = std::chrono::milliseconds(1)}, "", ""});
  // family and hints are dns.lookup's: only for a host name and the default lookup.
  cases.push_back({ip({.port = 1, .family = 5}), "", ""});
  cases.push_back({ip({.port = 1, .hints = -1}), "", ""});
  cases.push_back({{.port = 1, .hints = -1}, "ERR_INVALID_ARG_VALUE", "The argument 'hints' is invalid. Received 4294967295"});
  cases.push_back({{.port = 1, .hints = 99999}, "ERR_INVALID_ARG_VALUE", "The argument 'hints' is invalid. Received 99999"});
  cases.push_back({{.port = 1, .family = 5, .hints = -1}, "ERR_INVALID_ARG_VALUE",
                   "The property 'options.family' must be one of: 0, 4, 6. Received 5"});
  cases.push_back({{.port = 1, .family = 5, .lookup = [](auto&&...) {}}, "", ""});
  cases.push_back({{.port = 1, .host = "", .family = 5}, "ERR_INVALID_ARG_VALUE",
                   "The property 'options.family' must be one of: 0, 4, 6. Received 5"});  // '' is localhost
  for (const auto& c : cases) {
    auto e = connect_error(c.options);
    INFO("expected " << c.code << " " << c.message << "; got " << e.code << " " << e.message);
    CHECK(e.code == c.code);
    CHECK(e.message == c.message);
  }
}

TEST_CASE("setDefaultAutoSelectFamilyAttemptTimeout: 0 and below throw, below 10 is 10", "[connect][validation]") {
  int before = getDefaultAutoSelectFamilyAttemptTimeout();
  for (int ms : {0, -10}) {
    try {
      setDefaultAutoSelectFamilyAttemptTimeout(ms);
      FAIL("should have thrown");
    } catch (const Error& e) {
      CHECK(e.code == "ERR_OUT_OF_RANGE");
      CHECK(e.message == "The value of \"value\" is out of range. It must be >= 1 && <= 2147483647. Received " +
                             std::to_string(ms));
    }
  }
  setDefaultAutoSelectFamilyAttemptTimeout(1);
  CHECK(getDefaultAutoSelectFamilyAttemptTimeout() == 10);
  setDefaultAutoSelectFamilyAttemptTimeout(before);
}

TEST_CASE("net.connect: a bad timeout throws before the port is looked at, connect('') is a bad port",
          "[net][connect][validation]") {
  {
    net::ConnectOptions options;
    options.port = -1;
    options.timeout = std::chrono::milliseconds(-1);
    Thrown r;
    try {
      net::connect(options);
    } catch (const Error& e) {
      r = {true, e};
    }
    REQUIRE(r.threw);
    CHECK(r.error.code == "ERR_OUT_OF_RANGE");
    CHECK(r.error.message == "The value of \"msecs\" is out of range. It must be a non-negative finite number. Received -1");
  }
  {
    Thrown r;
    try {
      net::Socket::create()->connect(std::string(""));
    } catch (const Error& e) {
      r = {true, e};
    }
    REQUIRE(r.threw);
    CHECK(r.error.code == kBadPort);
    CHECK(r.error.message == "Port should be >= 0 and < 65536. Received type string ('').");
  }
  run_loop(10s);
}
