// Node's test/parallel/test-net-large-string.js: a 40 K-character string of 'あ'
// (three UTF-8 bytes each), written at once with encoding 'UTF-8', arrives whole
// at a server decoding UTF-8: 40 K characters by 'end'.
#include "common.hpp"

namespace test_net_large_string {
using namespace berth;
using namespace berth::node_test;

// Characters (code points) in UTF-8 text.
std::size_t length(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char b : text)
    if ((b & 0xC0) != 0x80) n++;
  return n;
}

TEST_CASE("test-net-large-string", "[node]") {
  Common common;
  const std::size_t kPoolSize = 40 * 1024;
  std::string data;
  for (std::size_t i = 0; i < kPoolSize; i++) data += "あ";
  const std::string encoding = "UTF-8";

  net::ServerPtr server;
  server = net::createServer(common.mustCall([&](const net::SocketPtr& socket) {
    auto receivedSize = std::make_shared<std::size_t>(0);
    socket->setEncoding(encoding);
    socket->on(net::events::data, [receivedSize](BufferView chunk) { *receivedSize += length(chunk); });
    socket->on(net::events::end, common.mustCall([receivedSize, kPoolSize, s = socket.get()] {
      CHECK(*receivedSize == kPoolSize);
      s->end();
    }));
  }));
  server->listen(0, [&] {
    auto client = net::createConnection(server->address()->port);
    client->on(net::events::end, [&] { server->close(); });
    client->write(data, encoding);
    client->end();
  });
  common.run();
}

}  // namespace test_net_large_string
