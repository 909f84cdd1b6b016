// cork() sets writableCorked to 1; three writes made while corked reach the peer as one
// 6-byte read after uncork().
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer();
  server->on(net::events::connection, [s = server.get()](const net::SocketPtr& c) {
    c->on(net::events::data, [](BufferView d) { line("server data bytes=" + str(d.size())); });
    c->on(net::events::end, [s] { s->close(); });
  });
  server->listen(0, "127.0.0.1", [server] {
    auto c = net::connect(server->address()->port, "127.0.0.1");
    c->on(net::events::connect, [c] {
      c->cork();
      c->write("aa");
      c->write("bb");
      c->write(Buffer::from("cc"));
      line("corked", "writableLength=" + str(c->writableLength()) + " writableCorked=" + str(c->writableCorked()));
      c->uncork();
      line("uncorked", "writableCorked=" + str(c->writableCorked()));
      setTimeout([c] { c->end(); }, 50);
    });
  });
}
