// Node's test/parallel/test-net-bytes-written-large.js: bytesWritten counts 10 MB
// written at once as soon as it is queued and still at the end callback, for a
// Buffer, a string, and a corked mix of both (20 MB); the client reads them all.
#include "common.hpp"

namespace test_net_bytes_written_large {
using namespace berth;
using namespace berth::node_test;

constexpr std::size_t N = 10000000;

void variant(Common& common, int which) {
  auto server = std::make_shared<net::ServerPtr>();
  *server = net::createServer(common.mustCall([&common, which](const net::SocketPtr& socket) {
    if (which == 1) {
      socket->end(Buffer::alloc(N), common.mustCall([socket = socket.get()] { CHECK(socket->bytesWritten() == N); }));
      CHECK(socket->bytesWritten() == N);
    } else if (which == 2) {
      socket->end(std::string(N, 'a'), common.mustCall([socket = socket.get()] { CHECK(socket->bytesWritten() == N); }));
      CHECK(socket->bytesWritten() == N);
    } else {
      socket->cork();
      socket->write(std::string(N, 'a'));
      CHECK(socket->bytesWritten() == N);
      socket->write(Buffer::alloc(N));
      CHECK(socket->bytesWritten() == 2 * N);
      socket->end("", common.mustCall([socket = socket.get()] { CHECK(socket->bytesWritten() == 2 * N); }));
      socket->uncork();
    }
  }));
  (*server)->listen(0, common.mustCall([&common, server, which] {
    auto client = net::connect((*server)->address()->port);
    client->resume();
    client->on(net::events::close, common.mustCall([client = client.get(), server, which] {
      CHECK(client->bytesRead() == (which == 3 ? 2 * N : N));
      (*server)->close();
    }));
  }));
}

TEST_CASE("test-net-bytes-written-large", "[node]") {
  Common common;
  variant(common, 1);  // a Buffer
  variant(common, 2);  // a string
  variant(common, 3);  // writev() with mixed data
  common.run();
}

}  // namespace test_net_bytes_written_large
