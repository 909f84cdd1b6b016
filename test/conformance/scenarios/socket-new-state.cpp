// A new, unconnected Socket's state.
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto s = net::Socket::create();
  line(state(*s));
  line("bytesRead=" + str(s->bytesRead()) + " bytesWritten=" + str(s->bytesWritten()) +
       " timeout=" + str(s->timeout()) + " address()=" + socketAddress(s->address()));
}
