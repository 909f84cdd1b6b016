// Node's test/parallel/test-net-better-error-messages-path.js: connecting to a Unix
// path that does not exist emits 'error' ENOENT, "connect ENOENT <path>", and no
// 'connect'. (Node also checks that `{ path: {} }` throws ERR_INVALID_ARG_TYPE: a
// path is a std::string in C++, so that case cannot be written.)
#include "common.hpp"

namespace test_net_better_error_messages_path {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-better-error-messages-path", "[node]") {
  Common common;
  // Node uses /tmp/fadagagsdfgsdf; a name in the private tmpdir cannot exist either.
  const std::string fp = (common.tmpdir() / "fadagagsdfgsdf").string();
  auto c = net::connect(fp);
  c->on(net::events::connect, common.mustNotCall());
  c->on(net::events::error, common.expectsError({.code = "ENOENT", .message = "connect ENOENT " + fp}));
  common.run();
}

}  // namespace test_net_better_error_messages_path
