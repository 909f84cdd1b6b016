// Node's test/parallel/test-net-listen-fd0.js: listen({ fd: 0 }) on a descriptor
// that is not a listening-capable socket (stdin) emits 'error' EINVAL or ENOTSOCK,
// and no 'connection'.
#include "common.hpp"

namespace test_net_listen_fd0 {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-listen-fd0", "[node]") {
  Common common;
  net::createServer(common.mustNotCall())
      ->listen(net::ListenOptions{.fd = 0})
      .on(net::events::error, common.mustCall([](const Error& e) {
        INFO(e.code << " " << e.message);
        CHECK((e.code == "EINVAL" || e.code == "ENOTSOCK"));
      }));
  common.run();
}

}  // namespace test_net_listen_fd0
