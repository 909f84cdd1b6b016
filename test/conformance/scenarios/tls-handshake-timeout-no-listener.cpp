// handshakeTimeout with no 'tlsClientError' listener: a plain TCP client that connects
// and never says hello. Node v20 emits 'tlsClientError' to nobody and leaves the
// connection open; the client, still connected 600 ms later (four times the timeout),
// says so and ends it.
#include "trace_tls.hpp"

using namespace conf;

void scenario() {
  auto options = keyAndCert("server");
  options.handshakeTimeout = milliseconds(150);
  auto server = tls::createServer(options, [](const tls::TLSSocketPtr&) { line("server secureConnection (unexpected)"); });
  traceServer(server, "server");
  // The server closes once both ends of the connection have closed.
  auto closed = std::make_shared<int>(0);
  auto closedOne = [server, closed] {
    if (++*closed == 2) server->close();
  };
  server->on(net::events::connection, [closedOne](const net::SocketPtr& s) {
    s->on(net::events::close, [closedOne](bool) { closedOne(); });
  });
  server->listen(0, "127.0.0.1", [server, closedOne] {
    auto c = net::connect(server->address()->port, "127.0.0.1");
    traceSocket(c, "C", {"connectionAttempt"});
    c->on(net::events::close, [closedOne](bool) { closedOne(); });
    c->on(net::events::connect, [c] {
      setTimeout(
          [c] {
            line("C after 600 ms readyState=" + c->readyState());
            c->end();
          },
          600);
    });
  });
}
