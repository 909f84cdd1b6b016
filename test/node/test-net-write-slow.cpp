// Node's test/parallel/test-net-write-slow.js: 10 writes of 200 KB to a client that
// pauses for 20 ms after each chunk all complete (their callbacks run) before a 9999 ms
// idle timeout, and the client receives every byte before 'end'.
#include "common.hpp"

namespace test_net_write_slow {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-write-slow", "[node]") {
  Common common;
  constexpr std::size_t SIZE = 200'000;
  constexpr int N = 10;
  int flushed = 0;
  std::size_t received = 0;
  const Buffer buf = Buffer::alloc(SIZE, 'a');
  net::ServerPtr server = net::createServer([&](const net::SocketPtr& socket) {
    socket->setNoDelay();
    socket->setTimeout(9999ms);
    socket->on(net::events::timeout, [&] {
      FAIL_CHECK("flushed: " << flushed << ", received: " << received << "/" << SIZE * N);
    });
    for (int i = 0; i < N; ++i) {
      socket->write(buf, [&, s = socket.get()](const Error&) {
        ++flushed;
        if (flushed == N) s->setTimeout(0ms);
      });
    }
    socket->end();
  });
  net::SocketPtr conn;
  server->listen(0, common.mustCall([&] {
    conn = net::connect(server->address()->port);
    conn->on(net::events::data, [&](BufferView b) {
      received += b.size();
      conn->pause();
      setTimeout([&] { conn->resume(); }, 20ms);
    });
    conn->on(net::events::end, common.mustCall([&] {
      server->close();
      CHECK(received == SIZE * N);
    }));
  }));
  common.run(60s);
  conn.reset();
}

}  // namespace test_net_write_slow
