// A server that requires a client certificate (requestCert and rejectUnauthorized,
// trusting the test CA): a client presenting one signed by that CA is authorized and
// the server sees its certificate; a client presenting none gets through its own side
// of the TLS 1.3 handshake ('secureConnect'), then the server's alert as 'error'; the
// server sees 'tlsClientError'.
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
  line(tag, "with certificate=" + str(st->rounds[st->i]));
  tls::ConnectionOptions options;
  options.port = st->server->address()->port;
  options.host = "localhost";
  options.family = 4;
  options.ca = {pem("ca.crt")};
  if (st->rounds[st->i]) {
    options.key = pem("client.key");
    options.cert = pem("client.crt");
  }
  auto holder = std::make_shared<tls::TLSSocket*>(nullptr);
  auto c = tls::connect(options, [holder, tag] { line(tag, "callback", tlsInfo(**holder)); });
  *holder = c.get();
  traceTLS(c, tag, {"lookup", "connectionAttempt"});
  c->on(tls::events::close, [st](bool) { closedOne(st); });
}

}  // namespace

void scenario() {
  auto st = std::make_shared<State>();
  tls::ServerOptions options;
  options.key = pem("server.key");
  options.cert = pem("server.crt");
  options.ca = {pem("ca.crt")};
  options.requestCert = true;
  options.rejectUnauthorized = true;
  st->server = tls::createServer(options, [st](const tls::TLSSocketPtr& s) {
    std::string tag = "S" + std::to_string(st->i);
    line(tag, "secure", tlsInfo(*s));
    line(tag, "peer", peerCert(s->getPeerCertificate()));
    traceTLS(s, tag);
    s->end("hi");
  });
  traceTLSServer(st->server, "server");
  st->server->on(net::events::connection,
                 [st](const net::SocketPtr& s) { s->on(net::events::close, [st](bool) { closedOne(st); }); });
  st->server->listen(0, "127.0.0.1", [st] { next(st); });
}
