// A server that requires a client certificate (requestCert and rejectUnauthorized,
// trusting the test CA): a client presenting one signed by that CA is authorized and
// the server sees its certificate; a client presenting none gets through its own side
// of the TLS 1.3 handshake ('secureConnect'), then the server's alert as 'error'; the
// server sees 'tlsClientError'.
#include "trace_tls.hpp"

using namespace conf;

namespace {
const std::vector<bool> rounds = {true, false};
}  // namespace

void scenario() {
  auto serverOptions = keyAndCert("server");
  serverOptions.ca = {pem("ca.crt")};
  serverOptions.requestCert = true;
  serverOptions.rejectUnauthorized = true;
  tlsRounds(
      serverOptions, rounds.size(),
      [](const tls::TLSSocketPtr& s, std::size_t i) {
        std::string tag = "S" + std::to_string(i);
        line(tag, "secure", tlsInfo(*s));
        line(tag, "peer", peerCert(s->getPeerCertificate()));
        traceTLS(s, tag);
        s->end("hi");
      },
      [](std::size_t i, std::uint16_t port) {
        std::string tag = "C" + std::to_string(i);
        line(tag, "with certificate=" + str(rounds[i]));
        auto options = clientOptions(port, "localhost");
        options.family = 4;
        if (rounds[i]) {
          options.key = pem("client.key");
          options.cert = pem("client.crt");
        }
        auto c = connectTLS(options, [tag](tls::TLSSocket& c) { line(tag, "callback", tlsInfo(c)); });
        traceTLS(c, tag, {"lookup", "connectionAttempt"});
        return c;
      });
}
