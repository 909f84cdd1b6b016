// Node's test/parallel/test-net-server-unref-persistent.js: unref() before listen()
// is remembered: the listening server does not keep the loop alive (the unref'd 1 s
// timer must not fire).
#include "common.hpp"

namespace test_net_server_unref_persistent {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-server-unref-persistent", "[node]") {
  Common common;
  auto server = net::createServer();
  server->unref();
  server->listen();
  auto timer = setTimeout(common.mustNotCall(), 1000ms);
  timer->unref();
  common.run();
  timer->close();
  server->close();
}

}  // namespace test_net_server_unref_persistent
