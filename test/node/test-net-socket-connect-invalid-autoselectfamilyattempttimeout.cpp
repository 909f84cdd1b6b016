// Node's test/parallel/test-net-socket-connect-invalid-autoselectfamilyattempttimeout.js:
// an autoSelectFamilyAttemptTimeout of -10 or 0, given to connect() or to
// setDefaultAutoSelectFamilyAttemptTimeout(), throws ERR_OUT_OF_RANGE; a default of
// 1 or 9 is raised to 10.
#include "common.hpp"

namespace test_net_socket_connect_invalid_autoselectfamilyattempttimeout {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-socket-connect-invalid-autoselectfamilyattempttimeout", "[node]") {
  Common common;
  const int saved = net::getDefaultAutoSelectFamilyAttemptTimeout();
  for (int timeout : {-10, 0}) {
    INFO("autoSelectFamilyAttemptTimeout " << timeout);
    check_throws(
        [&] {
          net::connect({.port = 8080,
                        .autoSelectFamily = true,
                        .autoSelectFamilyAttemptTimeout = std::chrono::milliseconds(timeout)});
        },
        {.code = "ERR_OUT_OF_RANGE"});
    check_throws([&] { net::setDefaultAutoSelectFamilyAttemptTimeout(timeout); }, {.code = "ERR_OUT_OF_RANGE"});
  }
  // The default is 10 when the number passed is less than 10.
  for (int timeout : {1, 9}) {
    net::setDefaultAutoSelectFamilyAttemptTimeout(timeout);
    CHECK(net::getDefaultAutoSelectFamilyAttemptTimeout() == 10);
  }
  net::setDefaultAutoSelectFamilyAttemptTimeout(saved);
  common.run();  // nothing may be left running
}

}  // namespace test_net_socket_connect_invalid_autoselectfamilyattempttimeout
