// close(cb1); close(cb2) on a listening server: cb1 succeeds, cb2 gets
// ERR_SERVER_NOT_RUNNING, and 'close' is emitted twice.
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto s = net::createServer();
  s->on(net::events::close, [] { line("close event"); });
  s->listen(0, "127.0.0.1", [s] {
    s->close([](const Error& e) { line("cb1", cbErr(e)); });
    s->close([](const Error& e) { line("cb2", cbErr(e)); });
    line("sync after two close() calls");
  });
}
