// Node's test/parallel/test-net-bytes-stats.js: a client writes "foo" then "bar"
// (6 bytes), closes and reconnects the same Socket once; the server sockets'
// bytesRead at 'end' add up to 12, and so do the client's bytesWritten at each
// 'finish' (the count starts again with the new connection).
#include "common.hpp"

namespace test_net_bytes_stats {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-bytes-stats", "[node]") {
  Common common;
  std::uint64_t bytesRead = 0;
  std::uint64_t bytesWritten = 0;
  int count = 0;

  net::ServerPtr tcp = net::createServer([&](const net::SocketPtr& s) {
    s->resume();
    s->on(net::events::end, [&, s = s.get()] { bytesRead += s->bytesRead(); });
  });
  tcp->listen(0, [&] {
    auto socket = net::createConnection(tcp->address()->port);
    socket->on(net::events::connect, [&, socket = socket.get()] {
      count++;
      socket->write("foo", [socket](const Error&) { socket->end("bar"); });
    });
    socket->on(net::events::finish, [&, socket = socket.get()] { bytesWritten += socket->bytesWritten(); });
    socket->on(net::events::close, [&, socket = socket.get()] {
      if (count < 2) {
        socket->connect(tcp->address()->port);
      } else {
        tcp->close();
      }
    });
  });
  common.run();
  CHECK(bytesRead == 12);
  CHECK(bytesWritten == 12);
}

}  // namespace test_net_bytes_stats
