// handshakeTimeout: a plain TCP client that connects and never says hello. After the
// (small) timeout the server emits 'tlsClientError' ERR_TLS_HANDSHAKE_TIMEOUT with the
// socket still open, and the listener destroys it (Node leaves that to the listener).
// The plain client sees the connection end.
#include "trace_tls.hpp"

using namespace conf;

void scenario() {
  auto options = keyAndCert("server");
  options.handshakeTimeout = milliseconds(150);
  auto server = tls::createServer(options, [](const tls::TLSSocketPtr&) { line("server secureConnection (unexpected)"); });
  traceTLSServer(server, "server");
  server->on(tls::events::tlsClientError, [](const Error&, const tls::TLSSocketPtr& s) {
    line("server destroying", "destroyed=" + str(s->destroyed()));
    s->destroy();
  });
  silentClient(server);
}
