// A Unix socket server: address() is the path, the file is a socket, both ends report
// no IP address fields and address() {}, the client sees no 'lookup'.
// listen(path, backlog, cb) works too.
#include <filesystem>

#include "trace.hpp"

using namespace conf;

static std::string props(const net::Socket& s) {
  return "remoteAddress=" + str(s.remoteAddress()) + " remotePort=" + str(s.remotePort()) +
         " remoteFamily=" + str(s.remoteFamily()) + " localAddress=" + str(s.localAddress()) +
         " localPort=" + str(s.localPort()) + " address()=" + socketAddress(s.address());
}

static bool isSocket(const std::string& p) { return std::filesystem::is_socket(p); }

static void second() {
  auto p2 = tmp() + "/s2.sock";
  auto s2 = net::createServer();
  s2->listen(p2, 5, [s2, p2] {
    line("server2 address=" + serverAddress(s2->address()), "isSocket=" + str(isSocket(p2)));
    s2->close();
  });
}

void scenario() {
  auto p = tmp() + "/s.sock";
  auto server = net::createServer([](const net::SocketPtr& c) {
    line("server-side", props(*c));
    c->end("hi");
  });
  server->listen(net::ListenOptions{.path = p}, [server, p] {
    line("server address=" + serverAddress(server->address()), "isSocket=" + str(isSocket(p)));
    auto c = net::createConnection(net::ConnectOptions{.path = p});
    traceSocket(c, "client");
    c->on(net::events::connect, [c] { line("client", props(*c)); });
    c->on(net::events::close, [server] { server->close([](const Error&) { second(); }); });
  });
}
