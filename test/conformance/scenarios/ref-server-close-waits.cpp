// server.close() with a live connection: the process lives on until the connection
// ends (the server side ends it after 300 ms), then the close callback runs and it exits.
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto s = net::createServer([](const net::SocketPtr& c) { setTimeout([c] { c->end(); }, 300); });
  s->listen(0, "127.0.0.1", [s] {
    auto c = net::connect(s->address()->port, "127.0.0.1");
    c->on(net::events::connect, [s] { s->close([](const Error&) { line("server close callback"); }); });
    c->resume();
    c->on(net::events::close, [] { line("client close"); });
  });
}
