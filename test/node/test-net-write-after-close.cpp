// Node's test/parallel/test-net-write-after-close.js: once the client has ended and
// the connection is closed, the server socket's write calls back with an error (and
// emits no 'error').
#include "common.hpp"

namespace test_net_write_after_close {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-write-after-close", "[node]") {
  Common common;
  net::SocketPtr serverSocket;
  net::ServerPtr server = net::createServer(common.mustCall([&](const net::SocketPtr& socket) {
    serverSocket = socket;
    socket->resume();
    socket->on(net::events::error, common.mustNotCall());
  }));
  net::SocketPtr client;
  server->listen(0, [&] {
    client = net::connect(server->address()->port, "localhost", [&] {
      // client.end() closes both sides (allowHalfOpen is false); 'end' comes with the
      // server's FIN.
      client->on(net::events::end, common.mustCall([&] {
        serverSocket->write("test", common.mustCall([&](const Error& err) {
          CHECK(err);
          server->close();
        }));
      }));
      client->end();
    });
  });
  common.run();
  serverSocket.reset();
  client.reset();
}

}  // namespace test_net_write_after_close
