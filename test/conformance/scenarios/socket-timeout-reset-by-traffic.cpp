// Reads and writes reset the idle timer: a write every 40 ms against a 150 ms timeout
// (the server echoes) never lets it fire; it fires once the traffic stops.
#include "trace.hpp"

using namespace conf;

static void tick(net::SocketPtr c, net::ServerPtr server, std::shared_ptr<int> fired, int writes) {
  c->write("x");
  if (++writes == 10) {
    line("fired during traffic", *fired);
    setTimeout(
        [c, server, fired] {
          line("fired after idling", *fired, "listeners left", c->listenerCount(net::events::timeout));
          c->destroy();
          server->close();
        },
        400);
    return;
  }
  setTimeout([c, server, fired, writes] { tick(c, server, fired, writes); }, 40);
}

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) {
    c->on(net::events::data, [c](BufferView d) { c->write(d); });
  });
  server->listen(0, "127.0.0.1", [server] {
    auto c = net::connect(server->address()->port, "127.0.0.1");
    c->on(net::events::connect, [c, server] {
      auto fired = std::make_shared<int>(0);
      c->setTimeout(150ms, [fired] { ++*fired; });
      setTimeout([c, server, fired] { tick(c, server, fired, 0); }, 40);
    });
    c->resume();
  });
}
