// Two synchronous listen() calls with a host: the later wins, one 'listening', both
// callbacks run after the listeners registered before them.
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto s = net::createServer();
  auto count = std::make_shared<int>(0);
  s->on(net::events::listening, [count] { line("listening event", ++*count); });
  s->listen(0, "127.0.0.1", [] { line("cb1"); });
  s->listen(0, "127.0.0.1", [s, count] {
    line("cb2");
    setTimeout([s, count] { line("listening events", *count); s->close(); }, 50);
  });
  line("sync after two listen() calls");
}
