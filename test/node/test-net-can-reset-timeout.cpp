// Node's test/parallel/test-net-can-reset-timeout.js: an accepted socket with a
// 100 ms idle timeout may write from its 'timeout' listener (which runs once), and
// still gets 'end' when the client, having read that, ends.
#include "common.hpp"

namespace test_net_can_reset_timeout {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-can-reset-timeout", "[node]") {
  Common common;
  net::ServerPtr server;
  server = net::createServer(common.mustCall([&](const net::SocketPtr& stream) {
    stream->setTimeout(100ms);
    stream->resume();
    stream->once(net::events::timeout, common.mustCall([stream = stream.get()] {
      // Try to reset the timeout.
      stream->write("WHAT.");
    }));
    stream->on(net::events::end, common.mustCall([stream = stream.get()] { stream->end(); }));
  }));
  server->listen(0, common.mustCall([&] {
    auto c = net::createConnection(server->address()->port);
    c->on(net::events::data, [c = c.get()](BufferView) { c->end(); });
    c->on(net::events::end, [&] { server->close(); });
  }));
  common.run();
}

}  // namespace test_net_can_reset_timeout
