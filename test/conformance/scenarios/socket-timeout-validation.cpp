// setTimeout's validation: socket.timeout is assigned before the value is checked, so a
// rejected -5 stays in it; on a destroyed socket setTimeout does nothing.
#include "trace.hpp"

using namespace conf;

template <class T>
constexpr bool timeout_takes = requires(net::Socket& s, T v) { s.setTimeout(v); };

void scenario() {
  auto c = net::Socket::create();
  rejects("setTimeout(\"abc\")", "ERR_INVALID_ARG_TYPE", timeout_takes<const char*>);
  c->setTimeout(0ms);
  attempt("setTimeout(-5)", [&] { c->setTimeout(-5.0); });
  line("timeout after the throw", str(c->timeout()));
  c->destroy();
  c->setTimeout(99ms);
  line("setTimeout(99) on a destroyed socket leaves timeout", str(c->timeout()));
}
