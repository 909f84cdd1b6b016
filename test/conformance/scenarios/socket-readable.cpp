// Paused mode: a 'readable' listener sets readableFlowing false; read(4) takes exactly
// four bytes while four are buffered and null otherwise, the rest once the peer ended;
// unshift() puts data back and 'readable' follows; 'readable' fires at the end before
// 'end'; read() emits what it returns as 'data'. (The server sends its second part only
// after the client's ack, so the chunks are the same on every run.)
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) {
    c->write("0123456789");
    c->once(net::events::data, [c] { c->end("abcdef"); });
  });
  server->listen(0, "127.0.0.1", [server] {
    auto c = net::connect(server->address()->port, "127.0.0.1");
    auto acked = std::make_shared<bool>(false);
    auto unshifted = std::make_shared<bool>(false);
    c->on(net::events::readable, [c, acked, unshifted] {
      line("readable", "readableLength=" + str(c->readableLength()) + " readableFlowing=" + nul(c->readableFlowing()));
      while (auto got = c->read(4)) {
        line("read(4)", chunk(*got), "readableLength=" + str(c->readableLength()));
        if (!*unshifted && got->toString() == "89ab") {
          *unshifted = true;
          c->unshift("XY");
          line("unshift", "readableLength=" + str(c->readableLength()));
        }
      }
      line("read(4) null", "readableLength=" + str(c->readableLength()));
      if (!*acked) {
        *acked = true;
        c->write("ack");
      }
    });
    line("after on readable", "readableFlowing=" + nul(c->readableFlowing()) + " isPaused=" + str(c->isPaused()));
    c->on(net::events::data, [](BufferView d) { line("data", chunk(d)); });
    c->on(net::events::end, [c] { line("end", "readableLength=" + str(c->readableLength())); });
    c->on(net::events::close, [server] {
      line("close");
      server->close();
    });
  });
}
