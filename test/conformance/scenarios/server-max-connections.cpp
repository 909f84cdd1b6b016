// maxConnections = 1: the second client is accepted by the kernel and closed at once. It
// sees connect, end, close(false) and no error, even after writing; the server emits
// 'drop' and no 'connection'.
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) {
    line("server connection");
    c->resume();
  });
  server->maxConnections = 1;
  server->on(net::events::drop, [server](const net::DropInfo& d) {
    line("server drop", "keys=" + dropKeys(d),
         "localAddress=" + str(d.localAddress) + " localFamily=" + str(d.localFamily) +
             " remoteAddress=" + str(d.remoteAddress),
         "remoteFamily=" + str(d.remoteFamily) + " localPort=" + str(d.localPort == server->address()->port));
  });
  server->listen(0, "127.0.0.1", [server] {
    int port = server->address()->port;
    auto first = net::connect(port, "127.0.0.1");
    first->on(net::events::connect, [first, server, port] {
      line("first connect");
      setTimeout(
          [first, server, port] {
            auto second = net::connect(port, "127.0.0.1");
            second->on(net::events::connect, [second] { second->write("hello"); });
            traceSocket(second, "second");
            second->on(net::events::close, [first, server] {
              first->end();
              server->close();
            });
          },
          20);
    });
  });
}
