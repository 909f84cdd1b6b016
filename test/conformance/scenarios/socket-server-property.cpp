// socket.server is the accepting server on the server side and null on a client;
// a server has no `connections` property.
#include "trace.hpp"

using namespace conf;

template <class S>
constexpr bool has_connections = requires(S& s) { s.connections; };

void scenario() {
  auto server = net::createServer();
  server->on(net::events::connection, [s = server.get()](const net::SocketPtr& c) {
    line("server-side socket.server === server", c->server() == s);
    c->end();
  });
  rejects("server.connections", "absent", has_connections<net::Server>);
  server->listen(0, "127.0.0.1", [server] {
    auto c = net::connect(server->address()->port, "127.0.0.1");
    line("client socket.server", c->server() ? "a server" : "null");
    c->resume();
    c->on(net::events::close, [server] { server->close(); });
  });
}
