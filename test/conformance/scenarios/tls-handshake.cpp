// A successful handshake: the client's events ('connect', 'ready', the callback,
// 'secureConnect'), the server's ('connection', 'secureConnection'), and what each side
// reports once secure: authorized, authorizationError, alpnProtocol, servername,
// getProtocol(), getCipher(), encrypted, the peer's certificate; getProtocol() before the
// handshake (OpenSSL's highest version) and after 'close' (null). Then a close started
// by the server's end('hello').
#include "trace_tls.hpp"

using namespace conf;

void scenario() {
  auto server = tls::createServer(keyAndCert("server"), [](const tls::TLSSocketPtr& s) {
    line("S secure", tlsInfo(*s));
    line("S peer", peerCert(s->getPeerCertificate()));
    traceTLS(s, "S");
    s->end("hello");
  });
  traceTLSServer(server, "server");
  server->listen(0, "127.0.0.1", [server] {
    auto c = connectTLS(clientOptions(server->address()->port, "localhost"), [](tls::TLSSocket& c) {
      line("C callback", tlsInfo(c));
      line("C peer", peerCert(c.getPeerCertificate()));
    });
    line("C before protocol=" + orNull(c->getProtocol()), "peer=" + peerCert(c->getPeerCertificate()),
         "encrypted=" + str(c->encrypted()));
    traceTLS(c, "C", {"connectionAttempt", "lookup"});
    c->on(tls::events::close, [server, c = c.get()](bool) {
      line("C in-close protocol=" + orNull(c->getProtocol()));
      server->close();
    });
  });
}
