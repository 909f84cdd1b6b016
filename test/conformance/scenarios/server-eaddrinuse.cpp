// EADDRINUSE on 127.0.0.1 and on the '::' wildcard: the error's fields and message, no
// 'listening'/'close', the callback never runs, and the same server can listen again.
#include "trace.hpp"

using namespace conf;

static void wildcard(net::ServerPtr holder) {
  auto w = net::createServer();
  w->listen([w, holder] {
    auto w2 = net::createServer();
    traceServer(w2, "w2");
    w2->listen(w->address()->port, [] { line("w2 listen callback"); });
    w2->once(net::events::error, [w2, w, holder](const Error&) {
      w2->listen(0, "127.0.0.1", [w2, w, holder] {
        line("w2 relisten", "listening=" + str(w2->listening()));
        w2->close();
        w->close();
        holder->close();
      });
    });
  });
}

void scenario() {
  auto holder = net::createServer();
  holder->listen(0, "127.0.0.1", [holder] {
    auto b = net::createServer();
    traceServer(b, "b");
    b->listen(holder->address()->port, "127.0.0.1", [] { line("b listen callback"); });
    b->once(net::events::error, [b, holder](const Error&) {
      line("b after error", "listening=" + str(b->listening()), "address=" + serverAddress(b->address()));
      setTimeout([holder] { wildcard(holder); }, 20);
    });
  });
}
