// close(cb) on a server that never listened: 'close' is still emitted, later, and then
// cb gets ERR_SERVER_NOT_RUNNING.
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto s = net::createServer();
  s->on(net::events::close, [] { line("close event"); });
  s->close([](const Error& e) { line("close callback", cbErr(e)); });
  line("sync after close()");
}
