// The server calls end('bye'): the client (allowHalfOpen false) gets data and 'end'
// (still writable then, readyState writeOnly), ends by itself and closes cleanly.
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) {
    traceSocket(c, "S");
    c->end("bye");
  });
  server->listen(0, "127.0.0.1", [server] {
    auto c = net::connect(server->address()->port, "127.0.0.1");
    traceSocket(c, "C", {"connectionAttempt"});
    c->on(net::events::end, [c] {
      line("C in-end", "writableEnded=" + str(c->writableEnded()) + " readyState=" + c->readyState());
    });
    c->on(net::events::close, [server] { server->close(); });
  });
}
