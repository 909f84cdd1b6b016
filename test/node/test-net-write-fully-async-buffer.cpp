// Node's test/parallel/test-net-write-fully-async-buffer.js: writes of 1 MB from a
// buffer that is gone right after write() (Node forces a GC; here it is a temporary
// destroyed at the end of the statement) until write() returns false, 200 times, one
// round per 'drain': the socket must have copied or kept the data (no crash, nothing
// read from freed memory under ASan), and the server reads without error.
#include "common.hpp"

namespace test_net_write_fully_async_buffer {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-write-fully-async-buffer", "[node]") {
  Common common;
  const Buffer data = Buffer::alloc(1000000);
  net::ServerPtr server = net::createServer(common.mustCall([](const net::SocketPtr& conn) { conn->resume(); }));
  net::SocketPtr conn;
  int count = 0;
  std::function<void()> writeLoop = [&] {
    if (count++ == 200) {
      conn->destroy();
      server->close();
      return;
    }
    while (conn->write(Buffer::from(data))) {
    }
  };
  server->listen(0, common.mustCall([&] {
    conn = net::createConnection(server->address()->port, "localhost", common.mustCall([&] {
      conn->on(net::events::drain, [&] { writeLoop(); });
      writeLoop();
    }));
  }));
  common.run(60s);
  conn.reset();
}

}  // namespace test_net_write_fully_async_buffer
