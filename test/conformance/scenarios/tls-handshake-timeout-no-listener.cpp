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
  silentClient(server, [](const net::SocketPtr& c) {
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
