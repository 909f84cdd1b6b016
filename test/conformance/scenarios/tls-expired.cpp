// A server with an expired certificate (for localhost, signed by the trusted CA, valid
// until yesterday): with rejectUnauthorized true the client gets 'error'
// CERT_HAS_EXPIRED (then 'close' hadError=true) and the server sees the connection fail;
// with false the handshake completes, authorized false and authorizationError
// CERT_HAS_EXPIRED, and the peer certificate is there to inspect.
#include "trace_tls.hpp"

using namespace conf;

namespace {

struct State {
  std::vector<bool> rounds = {true, false};
  std::size_t i = 0;
  int closed = 0;
  tls::ServerPtr server;
};

void next(const std::shared_ptr<State>& st);

// The next client starts once both ends of the last connection have closed.
void closedOne(const std::shared_ptr<State>& st) {
  if (++st->closed % 2 == 0) {
    st->i++;
    next(st);
  }
}

void next(const std::shared_ptr<State>& st) {
  if (st->i == st->rounds.size()) {
    st->server->close();
    return;
  }
  std::string tag = "C" + std::to_string(st->i);
  line(tag, "rejectUnauthorized=" + str(st->rounds[st->i]));
  tls::ConnectionOptions options;
  options.port = st->server->address()->port;
  options.host = "localhost";
  options.family = 4;
  options.ca = {pem("ca.crt")};
  options.rejectUnauthorized = st->rounds[st->i];
  auto holder = std::make_shared<tls::TLSSocket*>(nullptr);
  auto c = tls::connect(options, [holder, tag] {
    line(tag, "callback", tlsInfo(**holder));
    line(tag, "peer", peerCert((*holder)->getPeerCertificate()));
  });
  *holder = c.get();
  traceTLS(c, tag, {"lookup", "connectionAttempt"});
  c->on(tls::events::close, [st](bool) { closedOne(st); });
}

}  // namespace

void scenario() {
  auto st = std::make_shared<State>();
  tls::ServerOptions options;
  options.key = pem("expired.key");
  options.cert = pem("expired.crt");
  st->server = tls::createServer(options, [st](const tls::TLSSocketPtr& s) {
    traceTLS(s, "S" + std::to_string(st->i));
    s->end("hi");
  });
  traceTLSServer(st->server, "server");
  st->server->on(net::events::connection,
                 [st](const net::SocketPtr& s) { s->on(net::events::close, [st](bool) { closedOne(st); }); });
  st->server->listen(0, "127.0.0.1", [st] { next(st); });
}
