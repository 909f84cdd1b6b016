// unref() after listen, and unref() before listen (remembered), let the process exit
// while the servers still listen.
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto a = net::createServer();
  a->listen(0, "127.0.0.1", [a] {
    line("a listening");
    a->unref();
  });
  auto b = net::createServer();
  b->unref();
  b->listen(0, "127.0.0.1", [] { line("b listening"); });
  setTimeout(
      [a, b] {
        line("still alive after 300 ms", "a.listening=" + str(a->listening()) + " b.listening=" + str(b->listening()));
        a->close();
        b->close();
      },
      300)
      ->unref();
}
