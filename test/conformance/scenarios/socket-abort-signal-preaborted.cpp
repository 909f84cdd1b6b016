// A signal aborted before connect(): 'error' AbortError and 'close'. Node v20 then lets
// connect() revive the socket; berth keeps it destroyed, as a deliberate difference
// (README.md, "Pinned Node quirks").
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) { c->resume(); });
  server->listen(0, "127.0.0.1", [server] {
    auto c = net::connect(net::ConnectOptions{
        .port = server->address()->port, .host = "127.0.0.1", .signal = berth::AbortSignal::abort()});
    traceSocket(c, "C", {"connectionAttempt"});
    setTimeout(
        [c, server] {
          line("after 50 ms", "destroyed=" + str(c->destroyed()) + " readyState=" + c->readyState());
          c->destroy();
          server->close();
        },
        50);
  });
}
