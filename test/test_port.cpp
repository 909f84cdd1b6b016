#include "berth/port.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "berth/error.hpp"

using berth::PortValue;

namespace {
berth::Error port_error(const PortValue& p, const char* name = "Port") {
  try {
    berth::validate_port(p, name);
  } catch (const berth::Error& e) {
    return e;
  }
  return {};
}
}  // namespace

TEST_CASE("validate_port accepts numbers and numeric strings in 0..65535", "[port]") {
  CHECK(berth::validate_port(0) == 0);
  CHECK(berth::validate_port(65535) == 65535);
  CHECK(berth::validate_port("8080") == 8080);
  CHECK(berth::validate_port(" 12 ") == 12);
  CHECK(berth::validate_port("0x10") == 16);
  CHECK(berth::validate_port(80.0) == 80);
}

TEST_CASE("validate_port rejects what Node rejects, with Node's message", "[port]") {
  struct Case { PortValue port; const char* message; };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  Case cases[] = {
      {-1, "Port should be >= 0 and < 65536. Received type number (-1)."},
      {65536, "Port should be >= 0 and < 65536. Received type number (65536)."},
      {1.5, "Port should be >= 0 and < 65536. Received type number (1.5)."},
      {"abc", "Port should be >= 0 and < 65536. Received type string ('abc')."},
      {"", "Port should be >= 0 and < 65536. Received type string ('')."},
      {" ", "Port should be >= 0 and < 65536. Received type string (' ')."},
      {"0x", "Port should be >= 0 and < 65536. Received type string ('0x')."},
      {nan, "Port should be >= 0 and < 65536. Received type number (NaN)."},
      {inf, "Port should be >= 0 and < 65536. Received type number (Infinity)."},
      {-inf, "Port should be >= 0 and < 65536. Received type number (-Infinity)."},
      {"a-very-long-string-that-goes-beyond-thirty-chars",
       "Port should be >= 0 and < 65536. Received type string ('a-very-long-string-that-g...')."},
  };
  for (const auto& c : cases) {
    auto e = port_error(c.port);
    CHECK(e.code == "ERR_SOCKET_BAD_PORT");
    CHECK(e.kind == berth::ErrorKind::RangeError);
    CHECK(e.message == c.message);
  }
  CHECK(port_error(-1, "options.port").message ==
        "options.port should be >= 0 and < 65536. Received type number (-1).");
}

TEST_CASE("system errors carry Node's fields and message forms", "[error]") {
  auto refused = berth::Error::from_system(std::make_error_code(std::errc::connection_refused),
                                           "connect", "127.0.0.1", 4242);
  CHECK(refused.code == "ECONNREFUSED");
  CHECK(refused.errnum == -111);
  CHECK(refused.message == "connect ECONNREFUSED 127.0.0.1:4242");
  auto inuse = berth::Error::from_system_described(
      std::make_error_code(std::errc::address_in_use), "listen", "::", 4242);
  CHECK(inuse.message == "listen EADDRINUSE: address already in use :::4242");
  CHECK(inuse.errnum == -98);
  auto unix_inuse = berth::Error::from_system_described(
      std::make_error_code(std::errc::address_in_use), "listen", "/tmp/x.sock", -1);
  CHECK(unix_inuse.message == "listen EADDRINUSE: address already in use /tmp/x.sock");
  auto nf = berth::Error::lookup_failed("ENOTFOUND", "no-such-host.invalid");
  CHECK(nf.message == "getaddrinfo ENOTFOUND no-such-host.invalid");
  CHECK(nf.errnum == -3008);
  CHECK(*nf.hostname == "no-such-host.invalid");
  CHECK_FALSE(berth::Error{});
}
