// Once the socket has ended and the peer's FIN has arrived, write() returns false; its
// callback gets EPIPE on a later tick, then 'error' (EPIPE) and 'close'(true).
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) {
    c->end();
    c->resume();
  });
  server->listen(0, "127.0.0.1", [server] {
    auto c = net::connect(server->address()->port, "127.0.0.1");
    c->on(net::events::connect, [c] { c->end(); });
    traceSocket(c, "C", {"connectionAttempt"});
    c->on(net::events::end, [c] {
      auto sync = std::make_shared<bool>(true);
      bool r = c->write("hello", [sync](const Error& e) { line("C write callback", err(e), "sync=" + str(*sync)); });
      line("C write in end handler returns", r, "writableEnded=" + str(c->writableEnded()));
      *sync = false;
    });
    c->on(net::events::close, [server] { server->close(); });
  });
}
