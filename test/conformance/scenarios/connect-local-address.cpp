// localAddress/localPort: honoured; a refusal with both set says `- Local (addr:port)`
// and carries localAddress/localPort; with localPort 0 it says nothing of them; a local
// port already used for the same destination fails with EADDRNOTAVAIL.
#include "trace.hpp"

using namespace conf;

static void refused() {
  auto free = net::createServer();
  free->listen(0, "127.0.0.1", [free] {
    int refusedPort = free->address()->port;
    auto free2 = net::createServer();
    free2->listen(0, "127.0.0.1", [free, free2, refusedPort] {
      int localPort = free2->address()->port;
      free->close([free2, refusedPort, localPort](const Error&) {
        free2->close([refusedPort, localPort](const Error&) {
          auto a = net::connect(
              net::ConnectOptions{.port = refusedPort, .host = "127.0.0.1", .localAddress = "127.0.0.1", .localPort = 0});
          a->on(net::events::error, [refusedPort, localPort](const Error& e) {
            line("refused, localPort 0", err(e));
            auto b = net::connect(net::ConnectOptions{
                .port = refusedPort, .host = "127.0.0.1", .localAddress = "127.0.0.1", .localPort = localPort});
            b->on(net::events::error, [](const Error& e2) { line("refused, localAddress and localPort", err(e2)); });
          });
        });
      });
    });
  });
}

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) { c->resume(); });
  server->listen(0, "127.0.0.1", [server] {
    int port = server->address()->port;
    auto c = net::connect(net::ConnectOptions{.port = port, .host = "127.0.0.1", .localAddress = "127.0.0.1"});
    c->on(net::events::connect, [c, server, port] {
      line("localAddress option honoured", str(c->localAddress()));
      auto again = net::connect(
          net::ConnectOptions{.port = port, .host = "127.0.0.1", .localAddress = "127.0.0.1", .localPort = *c->localPort()});
      again->on(net::events::connect, [] { line("unexpected connect"); });
      again->on(net::events::error, [c, server](const Error& e) {
        line("same local port, same destination", err(e));
        c->destroy();
        server->close([](const Error&) { refused(); });
      });
    });
  });
}
