// A socket's idle timer does not keep the process alive: with the client unref'd, a
// pending setTimeout(5000) does not stop the exit.
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto s = net::createServer([](const net::SocketPtr& c) { c->unref(); });
  s->listen(0, "127.0.0.1", [s] {
    s->unref();
    auto c = net::connect(s->address()->port, "127.0.0.1");
    c->unref();
    c->setTimeout(5000ms, [] { line("timeout fired"); });
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
