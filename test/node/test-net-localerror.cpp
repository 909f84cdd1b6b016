// Node's test/parallel/test-net-localerror.js: net.connect() throws synchronously for
// a localAddress that is not an IP (ERR_INVALID_IP_ADDRESS, TypeError) and for a
// localPort that is not a number (ERR_INVALID_ARG_TYPE, TypeError).
#include "common.hpp"

namespace test_net_localerror {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-localerror", "[node]") {
  Common common;
  check_throws([] { net::connect({.port = 0, .host = "localhost", .localAddress = "foobar"}); },
               {.code = "ERR_INVALID_IP_ADDRESS", .kind = ErrorKind::TypeError});
  check_throws([] { net::connect({.port = 0, .host = "localhost", .localPort = PortValue("foobar")}); },
               {.code = "ERR_INVALID_ARG_TYPE", .kind = ErrorKind::TypeError});
  common.run();  // nothing may be left running (a socket created despite the throw would error here)
}

}  // namespace test_net_localerror
