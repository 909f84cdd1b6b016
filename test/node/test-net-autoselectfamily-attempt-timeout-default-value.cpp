// Node's test/parallel/test-net-autoselectfamily-attempt-timeout-default-value.js
// (added after v20): the default autoSelectFamilyAttemptTimeout. The later test
// expects 2500 ms (platformTimeout); Node v20, berth's reference, reports 250 ms
// (probed with v20.20.2), which is what this port asserts.
#include "common.hpp"

namespace test_net_autoselectfamily_attempt_timeout_default_value {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-autoselectfamily-attempt-timeout-default-value", "[node]") {
  CHECK(net::getDefaultAutoSelectFamilyAttemptTimeout() == 250);
}

}  // namespace test_net_autoselectfamily_attempt_timeout_default_value
