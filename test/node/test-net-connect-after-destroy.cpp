// Node's test/parallel/test-net-connect-after-destroy.js: destroying a connection
// right after starting it (while its host is being looked up) ends quietly: no
// uncaught 'error', and the process exits. Node connects to google.com:80; this
// port uses localhost and a port nothing listens on.
#include "common.hpp"

namespace test_net_connect_after_destroy {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-connect-after-destroy", "[node]") {
  Common common;
  std::uint16_t port = 0;
  {
    auto probe = net::createServer();
    probe->listen(0);
    REQUIRE(probe->address());
    port = probe->address()->port;
    probe->close();
  }
  auto c = net::createConnection(port, "localhost");
  c->destroy();
  common.run();  // an 'error' without a listener would throw out of it
}

}  // namespace test_net_connect_after_destroy
