// allowHalfOpen on both ends: the client ends at once; the server stays writable after
// its 'end' and writes later; the client receives that after its own 'finish'.
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer(net::ServerOptions{.allowHalfOpen = true}, [](const net::SocketPtr& c) {
    traceSocket(c, "S");
    c->on(net::events::end, [c] {
      line("S in-end", state(*c));
      setTimeout(
          [c] {
            c->write("late");
            c->end();
          },
          20);
    });
  });
  server->listen(0, "127.0.0.1", [server] {
    auto c = net::connect(net::ConnectOptions{.port = server->address()->port, .host = "127.0.0.1", .allowHalfOpen = true});
    traceSocket(c, "C", {"connectionAttempt"});
    c->on(net::events::connect, [c] {
      c->end();
      line("C after-end()", state(*c));
    });
    c->on(net::events::finish, [c] { line("C in-finish", state(*c)); });
    c->on(net::events::close, [server] { server->close(); });
  });
}
