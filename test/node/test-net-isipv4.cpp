// Node's test/parallel/test-net-isipv4.js: net.isIPv4 accepts strict dotted-decimal
// addresses only (four octets 0-255, nothing before or after).
// Not written: calls with no argument, null, a number, a boolean, an object or an
// object with toString(): JavaScript types C++'s string_view parameter rules out.
#include "common.hpp"

namespace test_net_isipv4 {
using namespace berth;

TEST_CASE("test-net-isipv4", "[node]") {
  CHECK(net::isIPv4("0.0.0.0"));
  CHECK(net::isIPv4("8.8.8.8"));
  CHECK(net::isIPv4("127.0.0.1"));
  CHECK(net::isIPv4("100.100.100.100"));
  CHECK(net::isIPv4("192.168.0.1"));
  CHECK(net::isIPv4("18.101.25.153"));
  CHECK(net::isIPv4("123.23.34.2"));
  CHECK(net::isIPv4("172.26.168.134"));
  CHECK(net::isIPv4("212.58.241.131"));
  CHECK(net::isIPv4("128.0.0.0"));
  CHECK(net::isIPv4("23.71.254.72"));
  CHECK(net::isIPv4("223.255.255.255"));
  CHECK(net::isIPv4("192.0.2.235"));
  CHECK(net::isIPv4("99.198.122.146"));
  CHECK(net::isIPv4("46.51.197.88"));
  CHECK(net::isIPv4("173.194.34.134"));
  CHECK_FALSE(net::isIPv4(".100.100.100.100"));
  CHECK_FALSE(net::isIPv4("100..100.100.100."));
  CHECK_FALSE(net::isIPv4("100.100.100.100."));
  CHECK_FALSE(net::isIPv4("999.999.999.999"));
  CHECK_FALSE(net::isIPv4("256.256.256.256"));
  CHECK_FALSE(net::isIPv4("256.100.100.100.100"));
  CHECK_FALSE(net::isIPv4("123.123.123"));
  CHECK_FALSE(net::isIPv4("http://123.123.123"));
  CHECK_FALSE(net::isIPv4("1000.2.3.4"));
  CHECK_FALSE(net::isIPv4("999.2.3.4"));
  CHECK_FALSE(net::isIPv4("0000000192.168.0.200"));
  CHECK_FALSE(net::isIPv4("192.168.0.2000000000"));
}

}  // namespace test_net_isipv4
