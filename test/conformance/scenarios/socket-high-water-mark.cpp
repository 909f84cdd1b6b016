// highWaterMark is 16384 both ways; write() returns false once writableLength reaches it,
// 'drain' follows when the queue empties; bufferSize equals writableLength; at the exact
// boundary (highWaterMark 4) write('abc') is true and write('d') false.
#include "trace.hpp"

using namespace conf;

static void boundary(net::ServerPtr server, int port) {
  auto s = net::Socket::create(net::SocketOptions{.highWaterMark = 4});
  s->connect(port, "127.0.0.1");
  bool abc = s->write("abc");
  bool d = s->write("d");
  line("highWaterMark 4:", "write(\"abc\")", abc, "write(\"d\")", d);
  s->on(net::events::connect, [s, server] {
    s->destroy();
    server->close();
  });
}

static void fill(net::SocketPtr c, net::SocketPtr serverSide, net::ServerPtr server) {
  line("highWaterMark", "writable=" + str(c->writableHighWaterMark()) + " readable=" + str(c->readableHighWaterMark()));
  auto big = Buffer::alloc(1 << 20, 'x');
  std::uint64_t n = 0;
  while (c->write(big)) n++;
  n++;
  line("write() returned false", "writableLength>=hwm=" + str(c->writableLength() >= c->writableHighWaterMark()),
       "bufferSize==writableLength=" + str(c->bufferSize() == c->writableLength()) +
           " writableNeedDrain=" + str(c->writableNeedDrain()));
  c->once(net::events::drain, [c, n, server] {
    line("drain", "writableLength=" + str(c->writableLength()) + " writableNeedDrain=" + str(c->writableNeedDrain()),
         "bytesWritten==total=" + str(c->bytesWritten() == n * (1 << 20)));
    c->destroy();
    boundary(server, server->address()->port);
  });
  serverSide->resume();
}

// The client writes once both ends are up (which end hears first is up to the loop).
void scenario() {
  struct Ends {
    net::SocketPtr serverSide, client;
  };
  auto ends = std::make_shared<Ends>();
  auto server = net::createServer();
  server->on(net::events::connection, [ends, s = server.get()](const net::SocketPtr& c) {
    if (ends->serverSide) return;  // the boundary client's connection
    ends->serverSide = c;
    c->pause();
    if (ends->client) fill(ends->client, c, s->shared_from_this());
  });
  server->listen(0, "127.0.0.1", [server, ends] {
    auto c = net::connect(server->address()->port, "127.0.0.1");
    c->on(net::events::connect, [c, server, ends] {
      ends->client = c;
      if (ends->serverSide) fill(c, ends->serverSide, server);
    });
  });
}
