// The peer resets after receiving data: 'error' ECONNRESET (syscall read, "read
// ECONNRESET") then close(true), and no 'end'.
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) {
    c->once(net::events::data, [c] { c->resetAndDestroy(); });
  });
  server->listen(0, "127.0.0.1", [server] {
    auto c = net::connect(server->address()->port, "127.0.0.1");
    c->on(net::events::connect, [c] { c->write("ping"); });
    traceSocket(c, "C", {"connectionAttempt"});
    c->on(net::events::close, [server] { server->close(); });
  });
}
