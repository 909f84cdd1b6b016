// SNI: the servername a client sends and the one the server observes, for clients in
// turn: host 'localhost' and no servername (Node sends none), host '127.0.0.1' with
// servername 'localhost', servername 'LocalHost' (sent as given; the certificate check
// ignores case), and servername 'wrong.example' (the certificate is checked against the
// servername, not the host: ERR_TLS_CERT_ALTNAME_INVALID).
#include "trace_tls.hpp"

using namespace conf;

namespace {

struct Client {
  std::string label;
  std::string host;
  std::optional<std::string> servername;
};

struct State {
  std::vector<Client> clients = {
      {"host-only", "localhost", std::nullopt},
      {"ip-with-servername", "127.0.0.1", "localhost"},
      {"name-with-servername", "localhost", "LocalHost"},
      {"other-servername", "localhost", "wrong.example"},
  };
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
  if (st->i == st->clients.size()) {
    st->server->close();
    return;
  }
  const Client& k = st->clients[st->i];
  std::string tag = "C" + std::to_string(st->i);
  tls::ConnectionOptions options;
  options.port = st->server->address()->port;
  options.host = k.host;
  options.ca = {pem("ca.crt")};
  options.family = 4;
  if (k.servername) options.servername = *k.servername;
  auto holder = std::make_shared<tls::TLSSocket*>(nullptr);
  auto c = tls::connect(options, [holder, tag, label = k.label] { line(tag, label, tlsInfo(**holder)); });
  *holder = c.get();
  c->on(tls::events::error, [tag](const Error& e) { line(tag, "error", err(e)); });
  c->resume();
  c->on(tls::events::close, [st](bool) { closedOne(st); });
}

}  // namespace

void scenario() {
  auto st = std::make_shared<State>();
  tls::ServerOptions options;
  options.key = pem("server.key");
  options.cert = pem("server.crt");
  st->server = tls::createServer(options, [st](const tls::TLSSocketPtr& s) {
    line("S" + std::to_string(st->i), "servername=" + orFalse(s->servername()));
    s->end();
  });
  traceTLSServer(st->server, "server");
  st->server->on(net::events::connection,
                 [st](const net::SocketPtr& s) { s->on(net::events::close, [st](bool) { closedOne(st); }); });
  st->server->listen(0, "127.0.0.1", [st] { next(st); });
}
