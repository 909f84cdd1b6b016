// Node's test/parallel/test-net-listen-after-destroying-stdin.js: with stdin
// destroyed (descriptor 0 closed, so the next socket may get it), a server still
// listens, accepts a connection, finishes end() and closes.
#include "common.hpp"

#include <unistd.h>

namespace test_net_listen_after_destroying_stdin {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-listen-after-destroying-stdin", "[node]") {
  const int saved = ::dup(0);
  ::close(0);  // process.stdin.destroy()
  {
    Common common;
    net::ServerPtr server;
    server = net::createServer(common.mustCall([&](const net::SocketPtr& socket) {
      socket->end(common.mustCall());
      server->close(common.mustCall());
    }));
    server->listen(0, common.mustCall([&] { net::createConnection(server->address()->port); }));
    common.run();
  }
  if (saved >= 0) {
    ::dup2(saved, 0);
    ::close(saved);
  }
}

}  // namespace test_net_listen_after_destroying_stdin
