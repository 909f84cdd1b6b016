// Bad listen() arguments throw synchronously with Node's codes and messages.
#include <cmath>
#include <limits>

#include "trace.hpp"

using namespace conf;

void scenario() {
  auto s = net::createServer();
  s->on(net::events::listening, [] { line("unexpected listening"); });
  constexpr double inf = std::numeric_limits<double>::infinity();
  attempt("listen(-1)", [&] { s->listen(-1); });
  attempt("listen(65536)", [&] { s->listen(65536); });
  attempt("listen(1.5)", [&] { s->listen(1.5); });
  attempt("listen({port:\"abc\"})", [&] { s->listen(net::ListenOptions{.port = "abc"}); });
  attempt("listen(NaN)", [&] { s->listen(std::nan("")); });
  attempt("listen(Infinity)", [&] { s->listen(inf); });
  attempt("listen(-Infinity)", [&] { s->listen(-inf); });
  attempt("listen({})", [&] { s->listen(net::ListenOptions{}); });
  attempt("listen({host:\"127.0.0.1\"})", [&] { s->listen(net::ListenOptions{.host = "127.0.0.1"}); });
  attempt("listen(true)", [&] { s->listen(true); });
  line("listening=" + str(s->listening()));
}
