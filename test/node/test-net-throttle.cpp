// Node's test/parallel/test-net-throttle.js: the server writes 1 KiB strings until
// write() returns false, then two more (queued, not lost); bufferSize is >= 0 and
// writableLength at most the total; the client pauses at each 'data' and resumes
// 100 ms later (no data arrives while paused), pauses more than once, and receives
// every byte.
#include "common.hpp"

namespace test_net_throttle {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-throttle", "[node]") {
  Common common;
  std::size_t chars_recved = 0;
  int npauses = 0;
  std::size_t totalLength = 0;
  net::ServerPtr server = net::createServer([&](const net::SocketPtr& connection) {
    const std::string body(1024, 'C');
    std::size_t n = 1;
    while (connection->write(body)) n++;
    // Now throttled: more writes, to make sure their data is not lost.
    connection->write(body);
    connection->write(body);
    n += 2;
    totalLength = n * body.size();
    CHECK(connection->bufferSize().has_value());
    INFO("writableLength: " << connection->writableLength() << ", totalLength: " << totalLength);
    CHECK(connection->writableLength() <= totalLength);
    connection->end();
  });
  net::SocketPtr client;
  bool paused = false;
  server->listen(0, [&] {
    client = net::createConnection(server->address()->port);
    client->setEncoding(Encoding::ascii);
    client->on(net::events::data, [&](BufferView d) {
      chars_recved += d.size();
      if (!paused) {
        client->pause();
        npauses += 1;
        paused = true;
        const std::size_t x = chars_recved;
        setTimeout([&, x] {
          CHECK(chars_recved == x);
          client->resume();
          paused = false;
        }, 100ms);
      }
    });
    client->on(net::events::end, [&] {
      server->close();
      client->end();
    });
  });
  common.run();
  CHECK(chars_recved == totalLength);
  CHECK(npauses > 1);
  client.reset();
}

}  // namespace test_net_throttle
