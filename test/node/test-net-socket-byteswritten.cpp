// Node's test/parallel/test-net-socket-byteswritten.js: two writes while corked and
// before connecting ('one', 3 bytes, and 'twø' as a 4-byte Buffer) count 7 in
// bytesWritten at once, at 'connect' and at 'end'.
#include "common.hpp"

namespace test_net_socket_byteswritten {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-socket-byteswritten", "[node]") {
  Common common;
  net::ServerPtr server = net::createServer([](const net::SocketPtr& socket) { socket->end(); });
  server->listen(0, common.mustCall([&] {
    auto socket = net::connect(server->address()->port);
    // Cork, then write twice: this makes a gather write.
    socket->cork();
    socket->write("one");
    socket->write(Buffer::from("twø", Encoding::utf8));
    socket->uncork();
    // one = 3 bytes, twø = 4 bytes
    CHECK(socket->bytesWritten() == 3 + 4);
    socket->on(net::events::connect, common.mustCall([s = socket.get()] { CHECK(s->bytesWritten() == 3 + 4); }));
    socket->on(net::events::end, common.mustCall([&, s = socket.get()] {
      CHECK(s->bytesWritten() == 3 + 4);
      server->close();
    }));
  }));
  common.run();
}

}  // namespace test_net_socket_byteswritten
