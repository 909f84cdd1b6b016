// Node's test/parallel/test-net-isip.js: net.isIP gives 4 for dotted-decimal IPv4, 6
// for IPv6 text (with :: compression, an IPv4 tail, a zone of letters, digits and
// dots), and 0 for anything else.
// Not written: calls with no argument, null, a number, a boolean, an object or an
// object with toString(): JavaScript types C++'s string_view parameter rules out.
#include "common.hpp"

namespace test_net_isip {
using namespace berth;

TEST_CASE("test-net-isip", "[node]") {
  CHECK(net::isIP("127.0.0.1") == 4);
  CHECK(net::isIP("x127.0.0.1") == 0);
  CHECK(net::isIP("example.com") == 0);
  CHECK(net::isIP("0000:0000:0000:0000:0000:0000:0000:0000") == 6);
  CHECK(net::isIP("0000:0000:0000:0000:0000:0000:0000:0000::0000") == 0);
  CHECK(net::isIP("1050:0:0:0:5:600:300c:326b") == 6);
  CHECK(net::isIP("2001:252:0:1::2008:6") == 6);
  CHECK(net::isIP("2001:dead:beef:1::2008:6") == 6);
  CHECK(net::isIP("2001::") == 6);
  CHECK(net::isIP("2001:dead::") == 6);
  CHECK(net::isIP("2001:dead:beef::") == 6);
  CHECK(net::isIP("2001:dead:beef:1::") == 6);
  CHECK(net::isIP("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") == 6);
  CHECK(net::isIP(":2001:252:0:1::2008:6:") == 0);
  CHECK(net::isIP(":2001:252:0:1::2008:6") == 0);
  CHECK(net::isIP("2001:252:0:1::2008:6:") == 0);
  CHECK(net::isIP("2001:252::1::2008:6") == 0);
  CHECK(net::isIP("::2001:252:1:2008:6") == 6);
  CHECK(net::isIP("::2001:252:1:1.1.1.1") == 6);
  CHECK(net::isIP("::2001:252:1:255.255.255.255") == 6);
  CHECK(net::isIP("::2001:252:1:255.255.255.255.76") == 0);
  CHECK(net::isIP("fe80::2008%eth0") == 6);
  CHECK(net::isIP("fe80::2008%eth0.0") == 6);
  CHECK(net::isIP("fe80::2008%eth0@1") == 0);
  CHECK(net::isIP("::anything") == 0);
  CHECK(net::isIP("::1") == 6);
  CHECK(net::isIP("::") == 6);
  CHECK(net::isIP("0000:0000:0000:0000:0000:0000:12345:0000") == 0);
  CHECK(net::isIP("0") == 0);
  CHECK(net::isIP("") == 0);
  CHECK(net::isIPv4("127.0.0.1"));
  CHECK_FALSE(net::isIPv4("example.com"));
  CHECK_FALSE(net::isIPv4("2001:252:0:1::2008:6"));
  CHECK_FALSE(net::isIPv4(""));
  CHECK_FALSE(net::isIPv6("127.0.0.1"));
  CHECK_FALSE(net::isIPv6("example.com"));
  CHECK(net::isIPv6("2001:252:0:1::2008:6"));
  CHECK_FALSE(net::isIPv6(""));
}

}  // namespace test_net_isip
