// Node's test/parallel/test-net-bytes-read.js: bytesRead grows with every 'data'
// and, at 'end' and at 'close', equals the 1 MiB the server sent.
// (Node also checks `!socket._handle` at 'close': an internal.)
#include "common.hpp"

namespace test_net_bytes_read {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-bytes-read", "[node]") {
  Common common;
  const Buffer big = Buffer::alloc(1024 * 1024);
  net::ServerPtr server;
  auto handler = common.mustCall([&](const net::SocketPtr& socket) {
    socket->end(big);
    server->close();
  });
  auto onListen = common.mustCall([&] {
    auto prev = std::make_shared<std::uint64_t>(0);
    auto socket = net::Socket::create();
    auto checkRaise = [prev](std::uint64_t value) {
      CHECK(value > *prev);
      *prev = value;
    };
    auto onData = common.mustCallAtLeast([socket = socket.get(), checkRaise](BufferView) {
      checkRaise(socket->bytesRead());
    });
    auto onEnd = common.mustCall([socket = socket.get(), prev, &big] {
      CHECK(socket->bytesRead() == *prev);
      CHECK(big.length() == *prev);
    });
    auto onClose = common.mustCall([socket = socket.get(), prev, &big] {
      CHECK(socket->bytesRead() == *prev);
      CHECK(big.length() == *prev);
    });
    auto onConnect = common.mustCall([=, socket = socket.get()] {
      socket->on(net::events::data, onData);
      socket->on(net::events::end, onEnd);
      socket->on(net::events::close, onClose);
      socket->end();
    });
    socket->connect(server->address()->port, "localhost", onConnect);
  });
  server = net::createServer(handler);
  server->listen(0, onListen);
  common.run();
}

}  // namespace test_net_bytes_read
