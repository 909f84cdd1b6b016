// A connected client that is not unref'd keeps the process alive, even with the server
// and the server-side socket unref'd.
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto s = net::createServer([](const net::SocketPtr& c) {
    c->unref();
    line("server connection");
  });
  s->listen(0, "127.0.0.1", [s] {
    s->unref();
    auto c = net::connect(s->address()->port, "127.0.0.1");
    c->on(net::events::connect, [] { line("client connected"); });
    setTimeout(
        [c, s] {
          line("still alive after 300 ms");
          c->destroy();
          s->close();
        },
        300)
        ->unref();
  });
}
