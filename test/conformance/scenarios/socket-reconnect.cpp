// A destroyed Socket object can connect again; bytesRead and bytesWritten count each
// connection afresh.
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) {
    c->resume();
    c->end("12345");
  });
  server->listen(0, "127.0.0.1", [server] {
    int port = server->address()->port;
    auto s = net::Socket::create();
    s->connect(port, "127.0.0.1", [s] { s->end("abc"); });
    s->resume();
    s->once(net::events::close, [s, port, server] {
      line("first life", "bytesRead=" + str(s->bytesRead()) + " bytesWritten=" + str(s->bytesWritten()) +
                             " destroyed=" + str(s->destroyed()));
      s->connect(port, "127.0.0.1", [s] {
        line("second connect", "destroyed=" + str(s->destroyed()) + " readyState=" + s->readyState());
        s->end("abcdef");
      });
      s->once(net::events::close, [s, server] {
        line("second life", "bytesRead=" + str(s->bytesRead()) + " bytesWritten=" + str(s->bytesWritten()));
        server->close();
      });
    });
  });
}
