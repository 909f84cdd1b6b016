// pauseOnConnect: the accepted socket starts paused (isPaused true, readableFlowing
// false), reads nothing (bytesRead 0) and gets no 'data' until resume().
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer(net::ServerOptions{.pauseOnConnect = true});
  server->on(net::events::connection, [server](const net::SocketPtr& c) {
    line("connection", "isPaused=" + str(c->isPaused()), "readableFlowing=" + nul(c->readableFlowing()));
    c->on(net::events::data, [](BufferView d) { line("server data", chunk(d)); });
    c->on(net::events::end, [server] {
      line("server end");
      server->close();
    });
    setTimeout(
        [c] {
          line("before resume", "bytesRead=" + str(c->bytesRead()));
          c->resume();
        },
        50);
  });
  server->listen(0, "127.0.0.1", [server] {
    auto c = net::connect(server->address()->port, "127.0.0.1");
    c->on(net::events::connect, [c] { c->end("hello"); });
  });
}
