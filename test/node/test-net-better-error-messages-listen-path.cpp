// Node's test/parallel/test-net-better-error-messages-listen-path.js: listening on a
// Unix path whose directory does not exist emits 'error' carrying that path as
// `address`; neither the listen callback nor 'connection' runs.
#include "common.hpp"

namespace test_net_better_error_messages_listen_path {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-better-error-messages-listen-path", "[node]") {
  Common common;
  const std::string fp = "/blah/fadfa";
  auto server = net::createServer(common.mustNotCall());
  server->listen(fp, common.mustNotCall());
  server->on(net::events::error, common.mustCall([&](const Error& e) {
    CHECK(e.address == std::optional<std::string>(fp));
  }));
  common.run();
}

}  // namespace test_net_better_error_messages_listen_path
