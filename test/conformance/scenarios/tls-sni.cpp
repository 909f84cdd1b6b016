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

const std::vector<Client> clients = {
    {"host-only", "localhost", std::nullopt},
    {"ip-with-servername", "127.0.0.1", "localhost"},
    {"name-with-servername", "localhost", "LocalHost"},
    {"other-servername", "localhost", "wrong.example"},
};

}  // namespace

void scenario() {
  tlsRounds(
      keyAndCert("server"), clients.size(),
      [](const tls::TLSSocketPtr& s, std::size_t i) {
        line("S" + std::to_string(i), "servername=" + orFalse(s->servername()));
        s->end();
      },
      [](std::size_t i, std::uint16_t port) {
        const Client& k = clients[i];
        std::string tag = "C" + std::to_string(i);
        auto options = clientOptions(port, k.host);
        options.family = 4;
        if (k.servername) options.servername = *k.servername;
        auto c = connectTLS(options, [tag, label = k.label](tls::TLSSocket& c) { line(tag, label, tlsInfo(c)); });
        c->on(tls::events::error, [tag](const Error& e) { line(tag, "error", err(e)); });
        c->resume();
        return c;
      });
}
