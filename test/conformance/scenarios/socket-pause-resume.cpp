// readableFlowing starts null; pause() returns this, sets isPaused and readableFlowing
// false and stops reading (bytesRead stays 0); resume() returns this and delivers what
// arrived meanwhile as one chunk ("onetwo").
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) {
    c->write("one");
    setTimeout([c] { c->end("two"); }, 30);
  });
  server->listen(0, "127.0.0.1", [server] {
    auto c = net::connect(server->address()->port, "127.0.0.1");
    line("initial", "readableFlowing=" + nul(c->readableFlowing()) + " isPaused=" + str(c->isPaused()));
    auto& r = c->pause();
    line("after pause", "readableFlowing=" + nul(c->readableFlowing()) + " isPaused=" + str(c->isPaused()) +
                            " returns this=" + str(&r == c.get()));
    c->on(net::events::data, [](BufferView d) { line("data", chunk(d)); });
    c->on(net::events::end, [] { line("end"); });
    c->on(net::events::close, [server] {
      line("close");
      server->close();
    });
    setTimeout(
        [c] {
          line("paused 150 ms", "bytesRead=" + str(c->bytesRead()));
          line("resume returns this", &c->resume() == c.get());
        },
        150);
  });
}
