// Listening on a Unix path already in use: EADDRINUSE with the path as address and
// port -1.
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto p = tmp() + "/busy.sock";
  auto first = net::createServer();
  first->listen(p, [first, p] {
    auto second = net::createServer();
    traceServer(second, "second");
    second->on(net::events::error, [first] { first->close(); });
    second->listen(p);
  });
}
