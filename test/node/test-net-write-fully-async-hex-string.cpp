// Node's test/parallel/test-net-write-fully-async-hex-string.js: writes of a 2 MB hex
// string (1 MB once decoded) with encoding 'hex', from a string destroyed right after
// write() (Node forces a GC), until write() returns false, 20 times, one round per
// 'drain': the bytes the write decoded must stay alive until sent (nothing read from
// freed memory under ASan), and the server reads without error.
#include "common.hpp"

namespace test_net_write_fully_async_hex_string {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-write-fully-async-hex-string", "[node]") {
  Common common;
  const std::string data = Buffer::alloc(1000000).toString(Encoding::hex);
  net::ServerPtr server = net::createServer(common.mustCall([](const net::SocketPtr& conn) { conn->resume(); }));
  net::SocketPtr conn;
  int count = 0;
  std::function<void()> writeLoop = [&] {
    if (count++ == 20) {
      conn->destroy();
      server->close();
      return;
    }
    while (conn->write(std::string(data), "hex")) {
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

}  // namespace test_net_write_fully_async_hex_string
