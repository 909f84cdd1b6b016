// close() right after listen(), before 'listening': only 'close' fires and the listen
// callback never runs. close('bad argument') ignores the non-function: in C++ a string
// is no callback at all, so the call is close().
#include "trace.hpp"

using namespace conf;

template <class Arg>
constexpr bool closes_with = requires(net::Server& s, Arg a) { s.close(a); };

void scenario() {
  auto s = net::createServer();
  s->on(net::events::listening, [] { line("listening event"); });
  s->on(net::events::close, [] { line("close event"); });
  s->listen(0, [] { line("listen callback"); });
  // Node ignores the string without throwing: the nearest C++ is that close() accepts
  // no string and the call becomes close().
  static_assert(!closes_with<const char*>);
  s->close();
  line("close(\"bad argument\") accepted");
}
