// resetAndDestroy() returns this; the local side closes without error, the peer gets
// ECONNRESET (syscall read) then close(true). On a never-connected socket: 'error'
// ERR_SOCKET_CLOSED, then 'close' (hadError undefined in Node: see README.md).
#include "trace.hpp"

using namespace conf;

static void unconnected() {
  auto n = net::Socket::create();
  traceSocket(n, "N");
  n->resetAndDestroy();
}

void scenario() {
  auto server = net::createServer();
  server->on(net::events::connection, [s = server.get()](const net::SocketPtr& c) {
    traceSocket(c, "S");
    c->on(net::events::close, [s] { s->close([](const Error&) { unconnected(); }); });
    c->resume();
  });
  server->listen(0, "127.0.0.1", [server] {
    auto c = net::connect(server->address()->port, "127.0.0.1");
    traceSocket(c, "C", {"connectionAttempt"});
    c->on(net::events::connect, [c] {
      setTimeout(
          [c] {
            auto& r = c->resetAndDestroy();
            line("C resetAndDestroy returns this", &r == c.get(), "destroyed=" + str(c->destroyed()));
          },
          10);
    });
  });
}
