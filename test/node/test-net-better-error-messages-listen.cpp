// Node's test/parallel/test-net-better-error-messages-listen.js: listening on an
// address this host does not have (1.1.1.1, port 1) emits 'error' with `address`,
// `port` and `syscall` 'listen'. (Binding fails locally: no packet is sent.)
#include "common.hpp"

namespace test_net_better_error_messages_listen {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-better-error-messages-listen", "[node]") {
  Common common;
  auto server = net::createServer(common.mustNotCall());
  server->listen(1, "1.1.1.1", common.mustNotCall());
  server->on(net::events::error, common.mustCall([](const Error& e) {
    CHECK(e.address == std::optional<std::string>("1.1.1.1"));
    CHECK(e.port == std::optional<int>(1));
    CHECK(e.syscall == "listen");
  }));
  common.run();
}

}  // namespace test_net_better_error_messages_listen
