// destroy(err) with no 'error' listener: the error is uncaught and the process exits
// with code 1 (C++: the error propagates out of berth::run()).
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto s = net::Socket::create();
  s->on(net::events::close, [] { line("close (never reached)"); });
  s->destroy(Error("EBOOM", "unhandled-boom"));
  line("after destroy(err)");
}
