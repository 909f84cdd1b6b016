// Without a host the handle is bound at once ('listening' still comes later); with a
// host a lookup runs first. A second listen() while a handle exists throws.
#include "trace.hpp"

using namespace conf;

static void withHost() {
  auto b = net::createServer();
  b->on(net::events::listening, [b] {
    line("b listening event", "listening=" + str(b->listening()));
    attempt("b second listen(0,\"127.0.0.1\")", [&] { b->listen(0, "127.0.0.1"); });
    b->close();
  });
  b->listen(0, "127.0.0.1");
  line("b after listen(0,\"127.0.0.1\")", "listening=" + str(b->listening()));
}

void scenario() {
  auto a = net::createServer();
  a->on(net::events::listening, [a] {
    line("a listening event", "listening=" + str(a->listening()));
    a->close([](const Error&) { withHost(); });
  });
  a->listen();
  line("a after listen()", "listening=" + str(a->listening()));
  attempt("a second listen()", [&] { a->listen(); });
}
