// Node's test/parallel/test-net-connect-no-arg.js: net.connect() and
// socket.connect() with neither options, port nor path throw ERR_MISSING_ARGS.
// C++ has no argument-less connect(); Node's `connect()` and `connect({})` are both
// an empty ConnectOptions here.
#include "common.hpp"

namespace test_net_connect_no_arg {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-connect-no-arg", "[node]") {
  const Expected missing{.code = "ERR_MISSING_ARGS",
                         .message = "The \"options\" or \"port\" or \"path\" argument must be specified"};
  check_throws([] { net::connect(net::ConnectOptions{}); }, missing);
  check_throws([] { net::Socket::create()->connect(net::ConnectOptions{}); }, missing);
  check_throws([] { net::createConnection(net::ConnectOptions{}); }, missing);
}

}  // namespace test_net_connect_no_arg
