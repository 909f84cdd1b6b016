// connect() returns the socket and leaves it connecting; for a host name the events run
// lookup, connectionAttempt, connect (the callback first: it was registered first),
// ready, data. (family 4: localhost is 127.0.0.1 under every ordinary /etc/hosts; with
// family 0 it can be ::1 first, which adds a refused attempt on ::1.)
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) { c->end("hello"); });
  server->listen(0, "127.0.0.1", [server] {
    auto s = net::Socket::create();
    auto& r = s->connect(net::ConnectOptions{.port = server->address()->port, .host = "localhost", .family = 4},
                         [] { line("connect callback"); });
    line("connect returns this", &r == s.get(), state(*s));
    traceSocket(s, "client");
    s->on(net::events::connect, [s] { line("in connect", state(*s)); });
    s->on(net::events::close, [server] { server->close(); });
  });
}
