// destroy() right after connect(), before any I/O completes: close(false) and nothing
// else, then the process ends normally.
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer();
  server->listen(0, "127.0.0.1", [server] {
    auto c = net::connect(server->address()->port, "127.0.0.1");
    traceSocket(c, "C");
    c->on(net::events::close, [server] { server->close(); });
    c->destroy();
  });
}
