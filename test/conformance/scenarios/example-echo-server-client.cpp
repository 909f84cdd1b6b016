// Spec examples "net.createServer()" (an echo server that greets) and
// "net.createConnection()" (a client that says world and hangs up). (The port comes
// from the OS instead of 8124, and the server closes once the client is gone.)
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer();
  server->on(net::events::connection, [s = server.get()](const net::SocketPtr& c) {
    // 'connection' listener.
    line("server: client connected");
    c->on(net::events::end, [s] {
      line("server: client disconnected");
      s->close();
    });
    c->write("hello\r\n");
    c->pipe(c);
  });
  server->on(net::events::error, [](const Error& err) { throw err; });
  const int port = 0;
  server->listen(port, [server] {
    line("server: server bound");
    auto client = net::createConnection(net::ConnectOptions{.port = server->address()->port});
    client->on(net::events::connect, [client] {
      // 'connect' listener.
      line("client: connected to server!");
      client->write("world!\r\n");
    });
    client->on(net::events::data, [client](BufferView data) {
      line("client: data", chunk(data));
      client->end();
    });
    client->on(net::events::end, [] { line("client: disconnected from server"); });
  });
}
