// Node's test/parallel/test-net-server-unref.js: a listening server unref()'d after
// listen() does not keep the loop alive (the unref'd 1 s timer must not fire).
#include "common.hpp"

namespace test_net_server_unref {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-server-unref", "[node]") {
  Common common;
  auto s = net::createServer();
  s->listen(0);
  s->unref();
  auto timer = setTimeout(common.mustNotCall(), 1000ms);
  timer->unref();
  common.run();
  timer->close();
  s->close();
}

}  // namespace test_net_server_unref
