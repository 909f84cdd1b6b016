// allowHalfOpen false: a write() inside the 'end' handler still succeeds, because the
// automatic end() runs after the 'end' listeners.
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) {
    traceSocket(c, "S");
    c->on(net::events::end, [c] {
      line("S in-end", state(*c), "writableEnded=" + str(c->writableEnded()));
      bool r = c->write("x", [](const Error& e) { line("S write callback", cbErr(e)); });
      line("S write returns", r);
    });
  });
  server->listen(0, "127.0.0.1", [server] {
    auto c = net::connect(net::ConnectOptions{.port = server->address()->port, .host = "127.0.0.1", .allowHalfOpen = true});
    traceSocket(c, "C", {"connectionAttempt"});
    c->on(net::events::connect, [c] { c->end(); });
    c->on(net::events::close, [server] { server->close(); });
  });
}
