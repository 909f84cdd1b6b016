// unref() then ref() before listen: the server keeps the process alive.
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto s = net::createServer();
  s->unref();
  s->ref();
  s->listen(0, "127.0.0.1", [] { line("listening"); });
  setTimeout(
      [s] {
        line("still alive after 300 ms");
        s->close();
      },
      300)
      ->unref();
}
