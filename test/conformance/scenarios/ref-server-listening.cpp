// A listening server keeps the process alive: an unref'd timer still fires after 300 ms
// (and then closes the server, so the scenario ends).
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto s = net::createServer();
  s->listen(0, "127.0.0.1", [] { line("listening"); });
  setTimeout(
      [s] {
        line("still alive after 300 ms");
        s->close();
      },
      300)
      ->unref();
}
