#include "berth/socket_address.hpp"

#include <net/if.h>

#include <asio/ip/tcp.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "berth/error.hpp"

using berth::ErrorKind;
using berth::PortValue;
using berth::net::SocketAddress;
using berth::net::SocketAddressJSON;
using berth::net::SocketAddressOptions;

namespace {

// Options as a JavaScript object literal would give them; `address` absent
// when nullopt. (Designated initializers that skip members make g++ 12 warn.)
SocketAddressOptions options(std::optional<std::string> address, std::string family = "ipv4",
                             PortValue port = {}, std::int64_t flowlabel = 0) {
  SocketAddressOptions o;
  o.address = std::move(address);
  o.family = std::move(family);
  o.port = std::move(port);
  o.flowlabel = flowlabel;
  return o;
}

SocketAddress make(std::optional<std::string> address, std::string family = "ipv4", PortValue port = {},
                   std::int64_t flowlabel = 0) {
  return SocketAddress(options(std::move(address), std::move(family), std::move(port), flowlabel));
}

berth::Error construction_error(const SocketAddressOptions& o) {
  try {
    SocketAddress{o};
  } catch (const berth::Error& e) {
    return e;
  }
  return {};
}

}  // namespace

TEST_CASE("new SocketAddress() is 127.0.0.1, port 0, ipv4, flow label 0 (behaviour 94)", "[socket_address]") {
  const SocketAddress defaults;
  CHECK(defaults.address() == "127.0.0.1");
  CHECK(defaults.port() == 0);
  CHECK(defaults.family() == "ipv4");
  CHECK(defaults.flowlabel() == 0);
  CHECK(defaults.toJSON() == SocketAddressJSON{"127.0.0.1", 0, "ipv4", 0});
  // `new SocketAddress({})` is the same.
  CHECK(SocketAddress(SocketAddressOptions{}) == defaults);
  CHECK(defaults.inspect() == "SocketAddress { address: '127.0.0.1', port: 0, family: 'ipv4', flowlabel: 0 }");
}

TEST_CASE("SocketAddress keeps Node's defaults, lowercases the family and normalises the address", "[socket_address]") {
  CHECK(make(std::nullopt, "ipv6").toJSON() == SocketAddressJSON{"::", 0, "ipv6", 0});
  CHECK(make(std::nullopt, "IPV6").toJSON() == SocketAddressJSON{"::", 0, "ipv6", 0});
  CHECK(make("::1", "IPv6").toJSON() == SocketAddressJSON{"::1", 0, "ipv6", 0});
  CHECK(make("0000::0001", "ipv6").address() == "::1");
  // test-socketaddress.js
  CHECK(make("123.123.123.123").toJSON() == SocketAddressJSON{"123.123.123.123", 0, "ipv4", 0});
  CHECK(make("123.123.123.123", "ipv4", 80).toJSON() == SocketAddressJSON{"123.123.123.123", 80, "ipv4", 0});
  CHECK(make(std::nullopt, "ipv6", {}, 1).toJSON() == SocketAddressJSON{"::", 0, "ipv6", 1});
  // A port given as a whole double is a number like any other.
  CHECK(make(std::nullopt, "ipv4", 80.0).port() == 80);
}

TEST_CASE("SocketAddress prints IPv6 as libuv's inet_ntop does", "[socket_address]") {
  struct Case { const char* input; const char* printed; };
  const Case cases[] = {
      {"::2:3", "::0.2.0.3"},  // IPv4-compatible form
      {"::5", "::5"},
      {"::ffff:0:0", "::ffff:0.0.0.0"},
      {"::ffff:1:2", "::ffff:0.1.0.2"},
      {"::fffe:1:2", "::fffe:1:2"},
      {"0:0:0:0:1:ffff:1:2", "::1:ffff:1:2"},
      {"::1:0:0", "::1:0:0"},
      {"1:0:0:1:0:0:0:1", "1:0:0:1::1"},     // the longest zero run
      {"1:0:0:1:0:0:1:1", "1::1:0:0:1:1"},   // the first of equal runs
      {"1:0:1:1:1:1:1:1", "1:0:1:1:1:1:1:1"},  // a single zero group stays
      {"FE80::A", "fe80::a"},
      {"0000:0000::0001", "::1"},
      {"1::", "1::"},
      {"0000:0000:0000:0000:0000:ffff:255.255.255.255", "::ffff:255.255.255.255"},
      {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
  };
  for (const Case& c : cases) {
    INFO(c.input);
    CHECK(make(c.input, "ipv6").address() == c.printed);
  }
}

TEST_CASE("SocketAddress's inspect() breaks lines where util.inspect does", "[socket_address]") {
  CHECK(make("::1", "ipv6", 8080, 5).inspect() ==
        "SocketAddress { address: '::1', port: 8080, family: 'ipv6', flowlabel: 5 }");
  CHECK(make("1:2:3:4:5:6:7:8", "ipv6").inspect() ==
        "SocketAddress { address: '1:2:3:4:5:6:7:8', port: 0, family: 'ipv6', flowlabel: 0 }");
  CHECK(make("1:2:3:4:5:6:7:8", "ipv6", 65535, 1048575).inspect() ==
        "SocketAddress {\n  address: '1:2:3:4:5:6:7:8',\n  port: 65535,\n  family: 'ipv6',\n  flowlabel: 1048575\n}");
  CHECK(make("::ffff:255.255.255.255", "ipv6").inspect() ==
        "SocketAddress {\n  address: '::ffff:255.255.255.255',\n  port: 0,\n  family: 'ipv6',\n  flowlabel: 0\n}");
}

TEST_CASE("SocketAddress never infers the family: a mismatch is ERR_INVALID_ADDRESS (behaviour 95)", "[socket_address]") {
  for (const auto& o : {options("::1"), options("::1", "ipv4"), options("1.1.1.1", "ipv6"),
                        options("not-an-ip"), options(std::nullopt, "IPv4"), options("1.2.3.4%x"),
                        options("01.2.3.4"), options("")}) {
    INFO("address " << o.address.value_or("(default)") << ", family " << o.family);
    const auto e = construction_error(o);
    CHECK(e.code == "ERR_INVALID_ADDRESS");
    CHECK(e.message == "Invalid socket address");
    CHECK(e.kind == ErrorKind::Error);
  }
}

TEST_CASE("SocketAddress rejects an unknown family with ERR_INVALID_ARG_VALUE, showing it as util.inspect", "[socket_address]") {
  struct Case { std::string family; std::string received; };
  const Case cases[] = {
      {"ipv5", "'ipv5'"},
      {"", "''"},
      {"it's", "\"it's\""},
      {"it's \"x\"", "`it's \"x\"`"},
      {"a`'\"", "'a`\\'\"'"},
      {"a\nb\x01\\", "'a\\nb\\x01\\\\'"},
      {"tab\tx", "'tab\\tx'"},
      {"a\x7f" "b", "'a\\x7Fb'"},
      {"ab\u0080c", "'ab\\x80c'"},
      {"\u00e9", "'\u00e9'"},
      {std::string(200, 'x'), "'" + std::string(127, 'x') + "..."},
  };
  for (const Case& c : cases) {
    INFO(c.family);
    const auto e = construction_error(options(std::nullopt, c.family));
    CHECK(e.code == "ERR_INVALID_ARG_VALUE");
    CHECK(e.kind == ErrorKind::TypeError);
    CHECK(e.message == "The property 'options.family' is invalid. Received " + c.received);
  }
  std::string lines;
  for (int i = 0; i < 30; ++i) lines += "a\nb";
  CHECK(construction_error(options(std::nullopt, lines)).message ==
        "The property 'options.family' is invalid. Received 'a\\n' +\n  'ba\\n' +\n  'ba\\n' +\n"
        "  'ba\\n' +\n  'ba\\n' +\n  'ba\\n' +\n  'ba\\n' +\n  'ba\\n' +\n  'ba\\n' +\n  'ba\\n' +\n"
        "  'ba\\n' +\n  'ba\\n' +...");
}

TEST_CASE("SocketAddress validates the port like validatePort: ERR_SOCKET_BAD_PORT", "[socket_address]") {
  struct Case { PortValue port; const char* received; };
  const Case cases[] = {
      {-1, "type number (-1)"},   {65536, "type number (65536)"}, {1.5, "type number (1.5)"},
      {"abc", "type string ('abc')"}, {nullptr, "null"},        {true, "type boolean (true)"},
      {std::numeric_limits<double>::quiet_NaN(), "type number (NaN)"},
  };
  for (const Case& c : cases) {
    INFO(c.received);
    const auto e = construction_error(options(std::nullopt, "ipv4", c.port));
    CHECK(e.code == "ERR_SOCKET_BAD_PORT");
    CHECK(e.kind == ErrorKind::RangeError);
    CHECK(e.message == std::string("options.port should be >= 0 and < 65536. Received ") + c.received + ".");
  }
}

TEST_CASE("SocketAddress throws where Node v20 aborts: a port given as a string", "[socket_address]") {
  // v20.20.2 passes '80' through validatePort, then dies on CHECK(args[1]->IsInt32()).
  const auto e = construction_error(options(std::nullopt, "ipv4", "80"));
  CHECK(e.code == "ERR_INVALID_ARG_TYPE");
  CHECK(e.kind == ErrorKind::TypeError);
  CHECK(e.message == "The \"options.port\" property must be of type number. Received type string ('80')");
}

TEST_CASE("SocketAddress checks the flow label: ERR_OUT_OF_RANGE outside 0..2^32-1", "[socket_address]") {
  struct Case { std::int64_t flowlabel; const char* received; };
  const Case cases[] = {
      {-1, "-1"},
      {4294967296, "4294967296"},  // 2^32 itself gets no separators
      {4294967297, "4_294_967_297"},
      {-4294967301, "-4_294_967_301"},
      {1000000000000, "1_000_000_000_000"},
  };
  for (const Case& c : cases) {
    for (const char* family : {"ipv4", "ipv6"}) {
      const auto e = construction_error(options(std::nullopt, family, {}, c.flowlabel));
      CHECK(e.code == "ERR_OUT_OF_RANGE");
      CHECK(e.kind == ErrorKind::RangeError);
      CHECK(e.message == std::string("The value of \"options.flowlabel\" is out of range. "
                                     "It must be >= 0 && <= 4294967295. Received ") + c.received);
    }
  }
}

TEST_CASE("SocketAddress throws where Node v20 aborts: an IPv6 flow label of 2^20 or more", "[socket_address]") {
  CHECK(make("::1", "ipv6", {}, (1 << 20) - 1).flowlabel() == 1048575);
  const auto e = construction_error(options("::1", "ipv6", {}, 1 << 20));
  CHECK(e.code == "ERR_OUT_OF_RANGE");
  CHECK(e.kind == ErrorKind::RangeError);
  CHECK(e.message ==
        "The value of \"options.flowlabel\" is out of range. It must be >= 0 && <= 1048575. Received 1048576");
  // An ipv4 address ignores the flow label, as Node does.
  CHECK(make(std::nullopt, "ipv4", {}, 1 << 20).flowlabel() == 0);
  CHECK(make(std::nullopt, "ipv4", {}, 5).flowlabel() == 0);
  CHECK(make(std::nullopt, "ipv4", {}, 4294967295).flowlabel() == 0);
}

TEST_CASE("SocketAddress reports errors in Node's order: family, port, flow label, address", "[socket_address]") {
  CHECK(construction_error(options(std::nullopt, "x", -1)).code == "ERR_INVALID_ARG_VALUE");
  CHECK(construction_error(options("x", "ipv4", -1)).code == "ERR_SOCKET_BAD_PORT");
  CHECK(construction_error(options("x", "ipv4", {}, -1)).code == "ERR_OUT_OF_RANGE");
  CHECK(construction_error(options("x", "ipv4", "80", -1)).code == "ERR_OUT_OF_RANGE");
  CHECK(construction_error(options("x", "ipv4", "80")).code == "ERR_INVALID_ARG_TYPE");
  CHECK(construction_error(options("x", "ipv6", {}, 1 << 20)).code == "ERR_INVALID_ADDRESS");
}

TEST_CASE("SocketAddress accepts any IPv6 zone, as libuv does, and drops it from the text", "[socket_address]") {
  CHECK(make("fe80::1%", "ipv6").address() == "fe80::1");
  CHECK(make("fe80::1%eth0%x", "ipv6").address() == "fe80::1");
  CHECK(make("fe80::1%lo", "ipv6").address() == "fe80::1");
  CHECK(make("fe80::1%lo", "ipv6").scope_id() == if_nametoindex("lo"));
  CHECK(make("fe80::1%3", "ipv6").scope_id() == 3);
  CHECK(make("fe80::1", "ipv6").scope_id() == 0);
  // uv_ip6_addr cuts the part before '%' to 39 characters.
  CHECK(make("0000:0000:0000:0000:0000:0000:0000:0000:1234%x", "ipv6").address() == "::");
  CHECK(construction_error(options("0000:0000:0000:0000:0000:ffff:255.255.255.255%eth0", "ipv6")).code ==
        "ERR_INVALID_ADDRESS");
}

TEST_CASE("SocketAddress converts to and from Asio endpoints", "[socket_address]") {
  const auto v4 = make("10.1.2.3", "ipv4", 8080).to_endpoint();
  CHECK(v4.address() == asio::ip::make_address("10.1.2.3"));
  CHECK(v4.port() == 8080);

  const auto v6 = make("fe80::1%7", "ipv6", 443, 12345).to_endpoint();
  CHECK(v6.address().is_v6());
  CHECK(v6.address().to_v6().scope_id() == 7);
  CHECK(v6.port() == 443);

  const auto back = SocketAddress::from_endpoint(v6);
  CHECK(back.toJSON() == SocketAddressJSON{"fe80::1", 443, "ipv6", 12345});
  CHECK(back.scope_id() == 7);
  CHECK(back == make("fe80::1%7", "ipv6", 443, 12345));

  const auto mapped = SocketAddress::from_endpoint({asio::ip::make_address("::ffff:127.0.0.1"), 80});
  CHECK(mapped.toJSON() == SocketAddressJSON{"::ffff:127.0.0.1", 80, "ipv6", 0});
  CHECK(SocketAddress::from_endpoint({asio::ip::make_address("127.0.0.1"), 1}).toJSON() ==
        SocketAddressJSON{"127.0.0.1", 1, "ipv4", 0});
}

TEST_CASE("SocketAddress exposes the address bytes in network order", "[socket_address]") {
  const auto v4 = make("1.2.3.4");
  CHECK(std::vector<std::uint8_t>(v4.bytes().begin(), v4.bytes().end()) == std::vector<std::uint8_t>{1, 2, 3, 4});
  const auto v6 = make("::ffff:1.2.3.4", "ipv6");
  REQUIRE(v6.bytes().size() == 16);
  CHECK(v6.bytes()[10] == 0xff);
  CHECK(v6.bytes()[15] == 4);
  CHECK(v6.is_ipv6());
}
