// Node's test/parallel/test-blocklist.js: net.BlockList's addAddress / addRange /
// addSubnet / check, with strings and SocketAddress objects, IPv4 rules matching
// IPv4-mapped IPv6 queries, non-aligned prefixes, the `rules` list, and the
// errors for a bad family, a reversed range and an out-of-range prefix.
// Not written: the ERR_INVALID_ARG_TYPE cases (numbers, arrays, objects, null,
// bigint, undefined where a string goes, a string prefix), NaN as a prefix, and
// util.inspect with depth -1: C++'s types rule those arguments out and
// util.inspect's options are JavaScript's.
#include "common.hpp"

namespace test_blocklist {
using namespace berth;
using namespace berth::node_test;
using net::BlockList;
using net::SocketAddress;

std::string hex(int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%x", n);
  return buf;
}

TEST_CASE("test-blocklist", "[node]") {
  {
    BlockList blockList;
    check_throws([&] { blockList.addAddress("1.1.1.1", "foo"); }, {.code = "ERR_INVALID_ARG_VALUE"});
    check_throws([&] { blockList.addRange("1.1.1.1", "1.1.1.2", "foo"); }, {.code = "ERR_INVALID_ARG_VALUE"});
  }

  {
    BlockList blockList;
    blockList.addAddress("1.1.1.1");
    blockList.addAddress("8592:757c:efae:4e45:fb5d:d62a:0d00:8e17", "ipv6");
    blockList.addAddress("::ffff:1.1.1.2", "ipv6");

    CHECK(blockList.check("1.1.1.1"));
    CHECK_FALSE(blockList.check("1.1.1.1", "ipv6"));
    CHECK_FALSE(blockList.check("8592:757c:efae:4e45:fb5d:d62a:0d00:8e17"));
    CHECK(blockList.check("8592:757c:efae:4e45:fb5d:d62a:0d00:8e17", "ipv6"));

    CHECK(blockList.check("::ffff:1.1.1.1", "ipv6"));
    CHECK(blockList.check("::ffff:1.1.1.1", "IPV6"));

    CHECK(blockList.check("1.1.1.2"));

    CHECK_FALSE(blockList.check("1.2.3.4"));
    CHECK_FALSE(blockList.check("::1", "ipv6"));
  }

  {
    BlockList blockList;
    const SocketAddress sa1({.address = "1.1.1.1"});
    const SocketAddress sa2({.address = "8592:757c:efae:4e45:fb5d:d62a:0d00:8e17", .family = "ipv6"});
    const SocketAddress sa3({.address = "1.1.1.2"});

    blockList.addAddress(sa1);
    blockList.addAddress(sa2);
    blockList.addAddress("::ffff:1.1.1.2", "ipv6");

    CHECK(blockList.check("1.1.1.1"));
    CHECK(blockList.check(sa1));
    CHECK_FALSE(blockList.check("1.1.1.1", "ipv6"));
    CHECK_FALSE(blockList.check("8592:757c:efae:4e45:fb5d:d62a:0d00:8e17"));
    CHECK(blockList.check("8592:757c:efae:4e45:fb5d:d62a:0d00:8e17", "ipv6"));
    CHECK(blockList.check(sa2));

    CHECK(blockList.check("::ffff:1.1.1.1", "ipv6"));
    CHECK(blockList.check("::ffff:1.1.1.1", "IPV6"));

    CHECK(blockList.check("1.1.1.2"));
    CHECK(blockList.check(sa3));

    CHECK_FALSE(blockList.check("1.2.3.4"));
    CHECK_FALSE(blockList.check("::1", "ipv6"));
  }

  {
    BlockList blockList;
    blockList.addRange("1.1.1.1", "1.1.1.10");
    blockList.addRange("::1", "::f", "ipv6");

    CHECK_FALSE(blockList.check("1.1.1.0"));
    for (int n = 1; n <= 10; n++) CHECK(blockList.check("1.1.1." + std::to_string(n)));
    CHECK_FALSE(blockList.check("1.1.1.11"));

    CHECK_FALSE(blockList.check("::0", "ipv6"));
    for (int n = 0x1; n <= 0xf; n++) CHECK(blockList.check("::" + hex(n), "ipv6"));
    CHECK_FALSE(blockList.check("::10", "ipv6"));
  }

  {
    BlockList blockList;
    const SocketAddress sa1({.address = "1.1.1.1"});
    const SocketAddress sa2({.address = "1.1.1.10"});
    const SocketAddress sa3({.address = "::1", .family = "ipv6"});
    const SocketAddress sa4({.address = "::f", .family = "ipv6"});

    blockList.addRange(sa1, sa2);
    blockList.addRange(sa3, sa4);

    CHECK_FALSE(blockList.check("1.1.1.0"));
    for (int n = 1; n <= 10; n++) CHECK(blockList.check("1.1.1." + std::to_string(n)));
    CHECK_FALSE(blockList.check("1.1.1.11"));

    CHECK_FALSE(blockList.check("::0", "ipv6"));
    for (int n = 0x1; n <= 0xf; n++) CHECK(blockList.check("::" + hex(n), "ipv6"));
    CHECK_FALSE(blockList.check("::10", "ipv6"));
  }

  {
    BlockList blockList;
    blockList.addSubnet("1.1.1.0", 16);
    blockList.addSubnet("8592:757c:efae:4e45::", 64, "ipv6");

    CHECK(blockList.check("1.1.0.1"));
    CHECK(blockList.check("1.1.1.1"));
    CHECK_FALSE(blockList.check("1.2.0.1"));
    CHECK(blockList.check("::ffff:1.1.0.1", "ipv6"));

    CHECK(blockList.check("8592:757c:efae:4e45:f::", "ipv6"));
    CHECK(blockList.check("8592:757c:efae:4e45::f", "ipv6"));
    CHECK_FALSE(blockList.check("8592:757c:efae:4f45::f", "ipv6"));
  }

  {
    BlockList blockList;
    const SocketAddress sa1({.address = "1.1.1.0"});
    const SocketAddress sa2({.address = "1.1.1.1"});
    blockList.addSubnet(sa1, 16);
    blockList.addSubnet("8592:757c:efae:4e45::", 64, "ipv6");

    CHECK(blockList.check("1.1.0.1"));
    CHECK(blockList.check(sa2));
    CHECK_FALSE(blockList.check("1.2.0.1"));
    CHECK(blockList.check("::ffff:1.1.0.1", "ipv6"));

    CHECK(blockList.check("8592:757c:efae:4e45:f::", "ipv6"));
    CHECK(blockList.check("8592:757c:efae:4e45::f", "ipv6"));
    CHECK_FALSE(blockList.check("8592:757c:efae:4f45::f", "ipv6"));
  }

  {
    BlockList blockList;
    blockList.addAddress("1.1.1.1");
    blockList.addRange("10.0.0.1", "10.0.0.10");
    blockList.addSubnet("8592:757c:efae:4e45::", 64, "IpV6");  // Case insensitive

    const std::vector<std::string> rulesCheck = {
        "Subnet: IPv6 8592:757c:efae:4e45::/64",
        "Range: IPv4 10.0.0.1-10.0.0.10",
        "Address: IPv4 1.1.1.1",
    };
    CHECK(blockList.rules() == rulesCheck);

    CHECK(blockList.check("1.1.1.1"));
    CHECK(blockList.check("10.0.0.5"));
    CHECK(blockList.check("::ffff:10.0.0.5", "ipv6"));
    CHECK(blockList.check("8592:757c:efae:4e45::f", "ipv6"));

    CHECK_FALSE(blockList.check("123.123.123.123"));
    CHECK_FALSE(blockList.check("8592:757c:efaf:4e45:fb5d:d62a:0d00:8e17", "ipv6"));
    CHECK_FALSE(blockList.check("::ffff:123.123.123.123", "ipv6"));
  }

  {
    // Boundaries of non-aligned CIDR bit prefixes.
    BlockList blockList;
    blockList.addSubnet("10.0.0.0", 27);
    blockList.addSubnet("8592:757c:efaf::", 51, "ipv6");

    for (int n = 0; n <= 31; n++) CHECK(blockList.check("10.0.0." + std::to_string(n)));
    CHECK_FALSE(blockList.check("10.0.0.32"));

    CHECK(blockList.check("8592:757c:efaf:0:0:0:0:0", "ipv6"));
    CHECK(blockList.check("8592:757c:efaf:1fff:ffff:ffff:ffff:ffff", "ipv6"));
    CHECK_FALSE(blockList.check("8592:757c:efaf:2fff:ffff:ffff:ffff:ffff", "ipv6"));
  }

  {
    // https://github.com/nodejs/node/issues/39074
    BlockList blockList;
    blockList.addRange("10.0.0.2", "10.0.0.10");

    // IPv4 checks against IPv4 range.
    CHECK(blockList.check("10.0.0.2"));
    CHECK(blockList.check("10.0.0.10"));
    CHECK_FALSE(blockList.check("192.168.0.3"));
    CHECK_FALSE(blockList.check("2.2.2.2"));
    CHECK_FALSE(blockList.check("255.255.255.255"));

    // IPv6 checks against IPv4 range.
    CHECK(blockList.check("::ffff:0a00:0002", "ipv6"));
    CHECK(blockList.check("::ffff:0a00:000a", "ipv6"));
    CHECK_FALSE(blockList.check("::ffff:c0a8:0003", "ipv6"));
    CHECK_FALSE(blockList.check("::ffff:0202:0202", "ipv6"));
    CHECK_FALSE(blockList.check("::ffff:ffff:ffff", "ipv6"));
  }

  {
    BlockList blockList;
    check_throws([&] { blockList.addRange("1.1.1.2", "1.1.1.1"); }, {.code = "ERR_INVALID_ARG_VALUE"});
  }

  {
    BlockList blockList;
    check_throws([&] { blockList.addSubnet("", 1, ""); }, {.code = "ERR_INVALID_ARG_VALUE"});
    check_throws([&] { blockList.addSubnet("1.1.1.1", -1, "ipv4"); }, {.code = "ERR_OUT_OF_RANGE"});
    check_throws([&] { blockList.addSubnet("1.1.1.1", 33, "ipv4"); }, {.code = "ERR_OUT_OF_RANGE"});
    check_throws([&] { blockList.addSubnet("::", -1, "ipv6"); }, {.code = "ERR_OUT_OF_RANGE"});
    check_throws([&] { blockList.addSubnet("::", 129, "ipv6"); }, {.code = "ERR_OUT_OF_RANGE"});
  }

  {
    BlockList blockList;
    CHECK_THAT(blockList.inspect(), Catch::Contains("rules: []"));
  }

  {
    // https://github.com/nodejs/node/issues/43360
    BlockList blocklist;
    blocklist.addSubnet("1.1.1.1", 32, "ipv4");

    CHECK(blocklist.check("1.1.1.1"));
    CHECK_FALSE(blocklist.check("1.1.1.2"));
    CHECK_FALSE(blocklist.check("2.3.4.5"));
  }
}

}  // namespace test_blocklist
