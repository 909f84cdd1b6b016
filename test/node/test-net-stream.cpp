// Node's test/parallel/test-net-stream.js: a server queues 10 writes of 2 MB and ends;
// the client pauses at its first 'data' (pause() returns the socket) and is destroyed
// 20 ms later: the server socket gets one 'error', is destroyed, and closes.
#include "common.hpp"

namespace test_net_stream {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-stream", "[node]") {
  Common common;
  constexpr std::size_t SIZE = 2'000'000;
  constexpr int N = 10;
  const Buffer buf = Buffer::alloc(SIZE, 'a');
  net::ServerPtr server = net::createServer([&](const net::SocketPtr& socket) {
    socket->setNoDelay();
    socket->on(net::events::error, common.mustCall([s = socket.get()](const Error&) { s->destroy(); }));
    socket->on(net::events::close, common.mustCall([&] { server->close(); }));
    for (int i = 0; i < N; ++i) socket->write(buf, [](const Error&) {});
    socket->end();
  });
  net::SocketPtr conn;
  server->listen(0, [&] {
    conn = net::connect(server->address()->port);
    conn->on(net::events::data, [&](BufferView) {
      CHECK(&conn->pause() == conn.get());
      setTimeout([&] { conn->destroy(); }, 20ms);
    });
  });
  common.run();
  conn.reset();
}

}  // namespace test_net_stream
