// ALPN: a server offering ['h2', 'http/1.1'] and clients in turn offering
// ['x', 'http/1.1'] (agree on http/1.1), ['http/1.1', 'h2'] (the server's preference
// wins: h2), nothing (false on both sides), and ['x'] alone (no overlap: the server
// refuses the handshake with the no_application_protocol alert).
#include "trace_tls.hpp"

using namespace conf;

namespace {

struct State {
  std::vector<std::optional<std::vector<std::string>>> clients = {
      std::vector<std::string>{"x", "http/1.1"}, std::vector<std::string>{"http/1.1", "h2"}, std::nullopt,
      std::vector<std::string>{"x"}};
  std::size_t i = 0;
  int closed = 0;
  tls::ServerPtr server;
};

std::string offers(const std::optional<std::vector<std::string>>& v) {
  if (!v) return "null";
  std::string out = "[";
  for (const auto& p : *v) out += (out.size() > 1 ? "," : "") + q(p);
  return out + "]";
}

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
  std::string tag = "C" + std::to_string(st->i);
  tls::ConnectionOptions options;
  options.port = st->server->address()->port;
  options.host = "127.0.0.1";
  options.servername = "localhost";
  options.ca = {pem("ca.crt")};
  if (st->clients[st->i]) options.ALPNProtocols = *st->clients[st->i];
  auto holder = std::make_shared<tls::TLSSocket*>(nullptr);
  auto c = tls::connect(options, [holder, tag, offered = offers(st->clients[st->i])] {
    line(tag, "offers=" + offered, "alpnProtocol=" + orFalse((*holder)->alpnProtocol()));
  });
  *holder = c.get();
  c->on(tls::events::error, [tag](const Error& e) { line(tag, "error", err(e)); });
  c->on(tls::events::close, [tag](bool hadError) { line(tag, "close", "hadError=" + str(hadError)); });
  c->resume();
  c->on(tls::events::close, [st](bool) { closedOne(st); });
}

}  // namespace

void scenario() {
  auto st = std::make_shared<State>();
  tls::ServerOptions options;
  options.key = pem("server.key");
  options.cert = pem("server.crt");
  options.ALPNProtocols = {"h2", "http/1.1"};
  st->server = tls::createServer(options, [st](const tls::TLSSocketPtr& s) {
    line("S" + std::to_string(st->i), "alpnProtocol=" + orFalse(s->alpnProtocol()));
    s->end();
  });
  traceTLSServer(st->server, "server");
  st->server->on(net::events::connection,
                 [st](const net::SocketPtr& s) { s->on(net::events::close, [st](bool) { closedOne(st); }); });
  st->server->listen(0, "127.0.0.1", [st] { next(st); });
}
