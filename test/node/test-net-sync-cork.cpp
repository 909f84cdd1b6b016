// Node's test/parallel/test-net-sync-cork.js: 100 rounds of cork(), two 2-byte writes,
// uncork() never reach the high-water mark (every write returns true); the server
// reads without error and closes.
#include "common.hpp"

namespace test_net_sync_cork {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-sync-cork", "[node]") {
  Common common;
  constexpr int N = 100;
  const Buffer buf = Buffer::alloc(2, 'a');
  net::ServerPtr server = net::createServer([&](const net::SocketPtr& socket) {
    socket->resume();
    socket->on(net::events::error, common.mustNotCall());
    socket->on(net::events::close, common.mustCall([&] { server->close(); }));
  });
  net::SocketPtr conn;
  server->listen(0, [&] {
    conn = net::connect(server->address()->port);
    conn->on(net::events::connect, [&] {
      bool res = true;
      int i = 0;
      for (; i < N && res; i++) {
        conn->cork();
        conn->write(buf);
        res = conn->write(buf);
        conn->uncork();
      }
      CHECK(i == N);
      conn->end();
    });
  });
  common.run();
  conn.reset();
}

}  // namespace test_net_sync_cork
