// Node's test/parallel/test-net-write-connect-write.js: a write made while connecting
// and one made at 'connect' both reach an echoing server (socket.pipe(socket)) in
// order: the client receives 'before after'.
#include "common.hpp"

namespace test_net_write_connect_write {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-write-connect-write", "[node]") {
  Common common;
  net::ServerPtr server = net::createServer([](const net::SocketPtr& socket) { socket->pipe(socket); });
  net::SocketPtr conn;
  std::string received;
  server->listen(0, common.mustCall([&] {
    conn = net::connect(server->address()->port);
    conn->setEncoding(Encoding::utf8);
    conn->write("before");
    conn->on(net::events::connect, [&] { conn->write(" after"); });
    conn->on(net::events::data, [&](BufferView buf) {
      received += std::string(buf);
      conn->end();
    });
    conn->on(net::events::end, common.mustCall([&] {
      server->close();
      CHECK(received == "before after");
    }));
  }));
  common.run();
  conn.reset();
}

}  // namespace test_net_write_connect_write
