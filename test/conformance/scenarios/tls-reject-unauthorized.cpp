// rejectUnauthorized, true (the default) and false, with a server whose certificate the
// client cannot verify (signed by a CA the client does not trust): with true the client
// gets 'error' UNABLE_TO_VERIFY_LEAF_SIGNATURE and the server sees the connection fail;
// with false the handshake completes with authorized false and the reason in
// authorizationError, and data flows.
#include "trace_tls.hpp"

using namespace conf;

namespace {
const std::vector<std::optional<bool>> rounds = {std::nullopt, false};
}  // namespace

void scenario() {
  tlsRounds(
      keyAndCert("server"), rounds.size(),
      [](const tls::TLSSocketPtr& s, std::size_t i) {
        traceTLS(s, "S" + std::to_string(i));
        s->end("hi");
      },
      [](std::size_t i, std::uint16_t port) {
        std::string tag = "C" + std::to_string(i);
        auto options = clientOptions(port, "localhost", "other_ca.crt");
        if (rounds[i]) options.rejectUnauthorized = *rounds[i];
        line(tag, "rejectUnauthorized=" + str(rounds[i]));
        auto c = connectTLS(options, [tag](tls::TLSSocket& c) { line(tag, "callback", tlsInfo(c)); });
        traceTLS(c, tag, {"lookup", "connectionAttempt"});
        return c;
      });
}
