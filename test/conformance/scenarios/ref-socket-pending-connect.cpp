// unref() on a socket before it connects does not cancel the connect: 'connect' fires,
// then the process exits.
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto s = net::createServer([](const net::SocketPtr& c) { c->unref(); });
  s->listen(0, "127.0.0.1", [s] {
    s->unref();
    auto c = net::Socket::create();
    c->unref();
    c->connect(s->address()->port, "127.0.0.1", [] { line("connected"); });
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
