// write() on a socket that was never connected: returns false; the callback and 'error'
// get ERR_SOCKET_CLOSED; then 'close' (hadError undefined in Node: see README.md).
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto s = net::Socket::create();
  traceSocket(s, "C");
  bool r = s->write("x", [](const Error& e) { line("C write callback", cbErr(e)); });
  line("C write returns", r, state(*s));
}
