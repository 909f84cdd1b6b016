// Node's test/parallel/test-socketaddress.js: new SocketAddress() and ({}) are
// 127.0.0.1, port 0, ipv4, flow label 0; address, port, family ipv6 (address ::) and
// flowlabel are taken from the options; family 'test' throws ERR_INVALID_ARG_VALUE, port
// -1 or false ERR_SOCKET_BAD_PORT, flowlabel -1 ERR_OUT_OF_RANGE. Not ported: passing
// a SocketAddress through a MessageChannel (structured clone, a JavaScript feature),
// InternalSocketAddress (--expose-internals), and the non-string/non-object arguments
// (JavaScript type errors C++ rules out).
#include "common.hpp"

namespace test_socketaddress {
using namespace berth;
using namespace berth::node_test;

void check(const net::SocketAddress& sa, const std::string& address, int port, const std::string& family,
           std::uint32_t flowlabel) {
  CHECK(sa.address() == address);
  CHECK(sa.port() == port);
  CHECK(std::string(sa.family()) == family);
  CHECK(sa.flowlabel() == flowlabel);
}

TEST_CASE("test-socketaddress", "[node]") {
  check(net::SocketAddress(), "127.0.0.1", 0, "ipv4", 0);
  check(net::SocketAddress(net::SocketAddressOptions{}), "127.0.0.1", 0, "ipv4", 0);
  check(net::SocketAddress({.address = "123.123.123.123"}), "123.123.123.123", 0, "ipv4", 0);
  check(net::SocketAddress({.address = "123.123.123.123", .port = 80}), "123.123.123.123", 80, "ipv4", 0);
  check(net::SocketAddress({.family = "ipv6"}), "::", 0, "ipv6", 0);
  check(net::SocketAddress({.family = "ipv6", .flowlabel = 1}), "::", 0, "ipv6", 1);

  check_throws([] { net::SocketAddress({.family = "test"}); }, {.code = "ERR_INVALID_ARG_VALUE"});
  for (PortValue port : {PortValue(-1), PortValue(false)}) {
    INFO("port " << port.describe());
    check_throws([&] { net::SocketAddress({.port = port}); }, {.code = "ERR_SOCKET_BAD_PORT"});
  }
  check_throws([] { net::SocketAddress({.flowlabel = -1}); }, {.code = "ERR_OUT_OF_RANGE"});
}

}  // namespace test_socketaddress
