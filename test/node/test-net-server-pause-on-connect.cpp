// Node's test/parallel/test-net-server-pause-on-connect.js: a server created with
// pauseOnConnect hands out connections that read nothing (bytesRead stays 0, no 'data')
// until resume(), while a server without it reads at once.
#include "common.hpp"

namespace test_net_server_pause_on_connect {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-server-pause-on-connect", "[node]") {
  Common common;
  const std::string msg = "test";
  bool stopped = true;
  net::SocketPtr server1Sock;
  net::ServerPtr server1, server2;

  server1 = net::createServer({.pauseOnConnect = true}, [&](const net::SocketPtr& socket) {
    socket->on(net::events::data, [&, s = socket.get()](BufferView data) {
      if (stopped) FAIL_CHECK("data event should not have happened yet");
      CHECK(std::string(data) == msg);
      s->end();
      server1->close();
    });
    server1Sock = socket;
  });
  server2 = net::createServer({.pauseOnConnect = false}, [&](const net::SocketPtr& socket) {
    socket->on(net::events::data, [&, s = socket.get()](BufferView data) {
      CHECK(std::string(data) == msg);
      s->end();
      server2->close();
      CHECK(server1Sock->bytesRead() == 0);
      server1Sock->resume();
      stopped = false;
    });
  });

  server1->listen(0, [&] {
    auto clientHandler = common.mustCall([&](const Error&) {
      server2->listen(0, [&] { net::createConnection({.port = server2->address()->port})->write(msg); });
    });
    net::createConnection({.port = server1->address()->port})->write(msg, clientHandler);
  });
  common.run();
  CHECK_FALSE(stopped);
  server1Sock.reset();
}

}  // namespace test_net_server_pause_on_connect
