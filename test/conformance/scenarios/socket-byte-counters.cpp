// writableLength counts string characters while bytesWritten counts bytes, queued ones
// included; after 'close' bufferSize is undefined and the counters keep their values.
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) {
    c->on(net::events::data, [c](BufferView d) { c->write(d); });
    c->on(net::events::end, [c] { c->end(); });
  });
  server->listen(0, "127.0.0.1", [server] {
    int port = server->address()->port;
    auto a = net::Socket::create();
    a->connect(port, "127.0.0.1");
    a->write("€€");
    a->write(Buffer::from("€"));
    a->write("ab", "hex");
    line("mixed writes while connecting", "writableLength=" + str(a->writableLength()) +
                                              " bytesWritten=" + str(a->bytesWritten()) +
                                              " bufferSize=" + str(a->bufferSize()));
    a->on(net::events::connect, [a] {
      a->end();
      a->resume();
    });
    a->on(net::events::finish, [a] {
      line("mixed after finish",
           "writableLength=" + str(a->writableLength()) + " bytesWritten=" + str(a->bytesWritten()));
    });
    a->on(net::events::close, [server, port] {
      auto b = net::Socket::create();
      b->connect(port, "127.0.0.1");
      b->write("héllo");
      line("héllo while connecting", "bytesWritten=" + str(b->bytesWritten()) +
                                         " writableLength=" + str(b->writableLength()) +
                                         " bufferSize=" + str(b->bufferSize()));
      b->on(net::events::connect, [b] { line("héllo in connect", "bytesWritten=" + str(b->bytesWritten())); });
      b->on(net::events::data, [b](BufferView d) {
        line("echo", chunk(d), "bytesRead=" + str(b->bytesRead()) + " bytesWritten=" + str(b->bytesWritten()));
        b->end();
      });
      b->on(net::events::close, [b, server] {
        line("héllo after close", "bytesRead=" + str(b->bytesRead()) + " bytesWritten=" + str(b->bytesWritten()) +
                                      " bufferSize=" + str(b->bufferSize()));
        server->close();
      });
    });
  });
}
