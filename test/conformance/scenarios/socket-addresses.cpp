// Address properties before connecting, once connected (both ends) and after 'close';
// 'lookup' for a host name (family a number), none for an IP literal; net.connect(port)
// goes to localhost. (Both look up with family 4: localhost is 127.0.0.1 under every
// ordinary /etc/hosts, while with family 0 it can also be ::1, first, refused by the
// 127.0.0.1 server.)
#include "trace.hpp"

using namespace conf;

static std::string props(const net::Socket& s) {
  return "remoteAddress=" + str(s.remoteAddress()) + " remotePort=" + str(s.remotePort()) +
         " remoteFamily=" + str(s.remoteFamily()) + " localAddress=" + str(s.localAddress()) +
         " localPort=" + str(s.localPort()) + " localFamily=" + str(s.localFamily()) +
         " address()=" + socketAddress(s.address());
}

static void literal(net::ServerPtr server, int port) {
  auto c = net::connect(port, "127.0.0.1");
  c->on(net::events::lookup, [] { line("literal lookup"); });
  c->on(net::events::connect, [] { line("literal connect"); });
  c->resume();
  c->on(net::events::close, [server] { server->close(); });
}

static void byDefault(net::ServerPtr server, int port) {
  auto c = net::connect(net::ConnectOptions{.port = port, .family = 4});
  c->on(net::events::lookup, [](const Error& e, const std::string& address, int family, const std::string& host) {
    line("default lookup", e ? e.code : "null", address, family, host);
  });
  c->on(net::events::connect, [c] { line("default connect", "remoteAddress=" + str(c->remoteAddress())); });
  c->resume();
  c->on(net::events::close, [server, port] { literal(server, port); });
}

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) {
    line("server-side", "remoteAddress=" + str(c->remoteAddress()) + " remoteFamily=" + str(c->remoteFamily()),
         "localAddress=" + str(c->localAddress()) + " localPort=" + str(c->localPort()) +
             " localFamily=" + str(c->localFamily()));
    c->end();
  });
  server->listen(0, "127.0.0.1", [server] {
    int port = server->address()->port;
    auto c = net::connect(net::ConnectOptions{.port = port, .host = "localhost", .family = 4});
    line("client before connect", props(*c));
    c->on(net::events::lookup, [](const Error& e, const std::string& address, int family, const std::string& host) {
      // `typeof family` in Node: the C++ type is int, a number.
      line("client lookup", e ? e.code : "null", address, "number", family, host);
    });
    c->on(net::events::connect, [c] { line("client connect", props(*c)); });
    c->resume();
    c->on(net::events::close, [c, server, port] {
      line("client after close", props(*c));
      byDefault(server, port);
    });
  });
}
