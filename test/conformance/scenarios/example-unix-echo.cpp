// Spec examples "net.createServer()" on a Unix socket (server.listen('/tmp/echo.sock'))
// and "net.createConnection()" with {path}. (The socket lives in the scenario's
// temporary directory.)
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer();
  server->on(net::events::connection, [s = server.get()](const net::SocketPtr& c) {
    line("server: client connected");
    c->on(net::events::end, [s] {
      line("server: client disconnected");
      s->close();
    });
    c->write("hello\r\n");
    c->pipe(c);
  });
  server->on(net::events::error, [](const Error& err) { throw err; });
  auto sock = tmp() + "/echo.sock";
  server->listen(sock, [sock] {
    line("server: server bound");
    auto client = net::createConnection(net::ConnectOptions{.path = sock});
    client->on(net::events::connect, [client] {
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
