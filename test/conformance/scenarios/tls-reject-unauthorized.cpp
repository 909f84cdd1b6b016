// rejectUnauthorized, true (the default) and false, with a server whose certificate the
// client cannot verify (signed by a CA the client does not trust): with true the client
// gets 'error' UNABLE_TO_VERIFY_LEAF_SIGNATURE and the server sees the connection fail;
// with false the handshake completes with authorized false and the reason in
// authorizationError, and data flows.
#include "trace_tls.hpp"

using namespace conf;

namespace {

struct State {
  std::vector<std::optional<bool>> rounds = {std::nullopt, false};
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
  tls::ConnectionOptions options;
  options.port = st->server->address()->port;
  options.host = "localhost";
  options.ca = {pem("other_ca.crt")};
  if (st->rounds[st->i]) options.rejectUnauthorized = *st->rounds[st->i];
  line(tag, "rejectUnauthorized=" + str(st->rounds[st->i]));
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
  st->server = tls::createServer(options, [st](const tls::TLSSocketPtr& s) {
    traceTLS(s, "S" + std::to_string(st->i));
    s->end("hi");
  });
  traceTLSServer(st->server, "server");
  st->server->on(net::events::connection,
                 [st](const net::SocketPtr& s) { s->on(net::events::close, [st](bool) { closedOne(st); }); });
  st->server->listen(0, "127.0.0.1", [st] { next(st); });
}
