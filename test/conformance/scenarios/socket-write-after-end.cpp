// write() after end(): returns false; the callback gets ERR_STREAM_WRITE_AFTER_END,
// then 'error' with the same error, then close(true).
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) {
    c->resume();
    c->on(net::events::error, [] {});
  });
  server->listen(0, "127.0.0.1", [server] {
    auto s = net::connect(server->address()->port, "127.0.0.1");
    traceSocket(s, "C", {"connectionAttempt"});
    s->on(net::events::connect, [s] {
      s->end();
      bool r = s->write("x", [](const Error& e) { line("C write callback", cbErr(e)); });
      line("C write after end returns", r);
    });
    s->on(net::events::close, [server] { server->close(); });
  });
}
