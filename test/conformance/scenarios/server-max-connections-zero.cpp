// In Node v20 maxConnections = 0 means unlimited (the check is `if (maxConnections && ...)`).
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) {
    line("server connection");
    c->end();
  });
  server->maxConnections = 0;
  server->on(net::events::drop, [] { line("server drop"); });
  server->listen(0, "127.0.0.1", [server] {
    auto c = net::connect(server->address()->port, "127.0.0.1");
    c->resume();
    c->on(net::events::close, [server](bool hadError) {
      line("client close hadError=" + str(hadError));
      server->close();
    });
  });
}
