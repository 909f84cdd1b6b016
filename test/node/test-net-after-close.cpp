// Node's test/parallel/test-net-after-close.js: once a client socket has closed,
// calling its methods and reading its properties does not throw.
// (Node also checks that `_handle` is null: an internal, with no berth counterpart.)
#include "common.hpp"

namespace test_net_after_close {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-after-close", "[node]") {
  Common common;
  auto server = net::createServer(common.mustCall([](const net::SocketPtr& s) { s->end(); }));
  server->listen(0, common.mustCall([&] {
    auto c = net::createConnection(server->address()->port);
    c->on(net::events::close, common.mustCall([&, c] {
      CHECK_NOTHROW(c->setNoDelay());
      CHECK_NOTHROW(c->setKeepAlive());
      CHECK_NOTHROW(c->bufferSize());
      CHECK_NOTHROW(c->pause());
      CHECK_NOTHROW(c->resume());
      CHECK_NOTHROW(c->address());
      CHECK_NOTHROW(c->remoteAddress());
      CHECK_NOTHROW(c->remotePort());
      server->close();
    }));
  }));
  common.run();
}

}  // namespace test_net_after_close
