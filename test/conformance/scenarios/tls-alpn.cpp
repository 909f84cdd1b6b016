// ALPN: a server offering ['h2', 'http/1.1'] and clients in turn offering
// ['x', 'http/1.1'] (agree on http/1.1), ['http/1.1', 'h2'] (the server's preference
// wins: h2), nothing (false on both sides), and ['x'] alone (no overlap: the server
// refuses the handshake with the no_application_protocol alert).
#include "trace_tls.hpp"

using namespace conf;

namespace {

const std::vector<std::optional<std::vector<std::string>>> clients = {
    std::vector<std::string>{"x", "http/1.1"}, std::vector<std::string>{"http/1.1", "h2"}, std::nullopt,
    std::vector<std::string>{"x"}};

std::string offers(const std::optional<std::vector<std::string>>& v) {
  if (!v) return "null";
  std::string out = "[";
  for (const auto& p : *v) out += (out.size() > 1 ? "," : "") + q(p);
  return out + "]";
}

}  // namespace

void scenario() {
  auto serverOptions = keyAndCert("server");
  serverOptions.ALPNProtocols = {"h2", "http/1.1"};
  tlsRounds(
      serverOptions, clients.size(),
      [](const tls::TLSSocketPtr& s, std::size_t i) {
        line("S" + std::to_string(i), "alpnProtocol=" + orFalse(s->alpnProtocol()));
        s->end();
      },
      [](std::size_t i, std::uint16_t port) {
        std::string tag = "C" + std::to_string(i);
        auto options = clientOptions(port, "127.0.0.1");
        options.servername = "localhost";
        if (clients[i]) options.ALPNProtocols = *clients[i];
        auto c = connectTLS(options, [tag, offered = offers(clients[i])](tls::TLSSocket& c) {
          line(tag, "offers=" + offered, "alpnProtocol=" + orFalse(c.alpnProtocol()));
        });
        c->on(tls::events::error, [tag](const Error& e) { line(tag, "error", err(e)); });
        c->on(tls::events::close, [tag](bool hadError) { line(tag, "close", "hadError=" + str(hadError)); });
        c->resume();
        return c;
      });
}
