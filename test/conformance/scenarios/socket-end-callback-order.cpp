// end(data, cb) returns this and runs cb before 'finish' and 'close'; destroySoon() makes
// the socket unwritable at once, then finishes and closes; a peer that writes and then
// destroys is seen as data, end, close(false).
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto closed = std::make_shared<int>(0);
  auto server = net::createServer();
  server->on(net::events::connection, [closed, s = server.get()](const net::SocketPtr& c) {
    c->on(net::events::data, [](BufferView d) { line("S data", chunk(d)); });
    c->on(net::events::end, [] { line("S end"); });
    c->on(net::events::close, [closed, s](bool h) {
      line("S close hadError=" + str(h));
      if (++*closed == 3) s->close();
    });
  });
  server->listen(0, "127.0.0.1", [server] {
    int port = server->address()->port;
    auto a = net::connect(port, "127.0.0.1");
    a->on(net::events::connect, [a] {
      auto& r = a->end("zz", [] { line("A end callback"); });
      line("A end returns this", &r == a.get());
    });
    a->on(net::events::finish, [] { line("A finish"); });
    a->on(net::events::close, [port](bool h) {
      line("A close hadError=" + str(h));
      auto b = net::connect(port, "127.0.0.1");
      b->on(net::events::connect, [b] {
        b->destroySoon();
        line("B after destroySoon()", "writable=" + str(b->writable()) + " destroyed=" + str(b->destroyed()));
      });
      b->on(net::events::finish, [] { line("B finish"); });
      b->on(net::events::close, [port](bool hb) {
        line("B close hadError=" + str(hb));
        auto c = net::connect(port, "127.0.0.1");
        c->on(net::events::connect, [c] {
          c->write("last words");
          setTimeout([c] { c->destroy(); }, 20);
        });
      });
    });
  });
}
