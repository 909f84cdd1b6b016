// A graceful close started by the client, allowHalfOpen false on both ends: the event
// order across both ends, and readyState / destroyed / pending along the way.
#include "trace.hpp"

using namespace conf;

void scenario() {
  // Whether the server's 'connection' or the client's 'connect' runs first is up to the
  // loop: the server's state at connection is printed later.
  auto atConnection = std::make_shared<std::string>();
  auto server = net::createServer([atConnection](const net::SocketPtr& c) {
    traceSocket(c, "S");
    *atConnection = state(*c);
    c->write("hello");
  });
  server->listen(0, "127.0.0.1", [server, atConnection] {
    auto c = net::connect(server->address()->port, "127.0.0.1");
    line("C sync", state(*c));
    traceSocket(c, "C", {"connectionAttempt"});
    c->on(net::events::connect, [c] { line("C in-connect", state(*c)); });
    c->on(net::events::data, [c, atConnection] {
      line("S state at connection", *atConnection);
      c->end("bye");
      line("C after-end()", state(*c));
    });
    c->on(net::events::end, [c] { line("C in-end", state(*c)); });
    c->on(net::events::close, [c, server] {
      line("C in-close", state(*c));
      server->close();
    });
  });
}
