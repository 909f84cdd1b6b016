// Spec example "socket.setTimeout()": end the socket when idle. (300 ms, not 3000.)
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) { c->resume(); });
  server->listen(0, "127.0.0.1", [server] {
    auto socket = net::connect(server->address()->port, "127.0.0.1");
    socket->setTimeout(300ms);
    socket->on(net::events::timeout, [socket] {
      line("socket timeout");
      socket->end();
    });
    socket->resume();
    socket->on(net::events::close, [server] { server->close(); });
  });
}
