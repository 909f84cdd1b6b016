#pragma once
// TLS trace helpers for the C++ side of the tls-* conformance scenarios; trace.js has
// the Node twins (pem, tlsInfo, peerCert, traceTLS, traceTLSServer) with the same output.
// Header-only, so that only the TLS scenarios compile berth/tls.hpp.

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "berth/tls.hpp"
#include "trace.hpp"

namespace conf {

namespace tls = berth::tls;

/// The text of a certificate or key file run.js wrote for both sides into
/// $CONF_TLS_CERTS (README.md): pem("server.key").
inline std::string pem(const std::string& name) {
  const char* dir = std::getenv("CONF_TLS_CERTS");
  std::string path = std::string(dir ? dir : "no-CONF_TLS_CERTS") + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path + " (run.js writes the certificates)");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// A string property Node reports as `false` when there is none (alpnProtocol and
/// servername once the handshake is over): berth's empty string prints false.
inline std::string orFalse(const std::string& s) { return s.empty() ? "false" : s; }
/// A string Node reports as null when there is none (authorizationError, getProtocol()).
inline std::string orNull(const std::string& s) { return s.empty() ? "null" : s; }

/// A TLSSocket's TLS state once its handshake is over.
inline std::string tlsInfo(const tls::TLSSocket& s) {
  tls::Cipher c = s.getCipher();
  return "authorized=" + str(s.authorized()) + " authorizationError=" + orNull(s.authorizationError()) +
         " alpnProtocol=" + orFalse(s.alpnProtocol()) + " servername=" + orFalse(s.servername()) +
         " protocol=" + orNull(s.getProtocol()) + " cipher=" + (c.name.empty() ? "null" : c.name + "/" + c.version) +
         " encrypted=" + str(s.encrypted());
}

/// getPeerCertificate(): the fields berth reports, or {} when there is no certificate.
/// An empty subjectaltname is Node's undefined (no subjectAltName extension).
inline std::string peerCert(const tls::PeerCertificate& p) {
  if (p.empty()) return "{}";
  auto field = [](const std::map<std::string, std::string>& m, const char* k) {
    auto it = m.find(k);
    return it == m.end() ? std::string("undefined") : q(it->second);
  };
  return "subject.CN=" + field(p.subject, "CN") + " issuer.CN=" + field(p.issuer, "CN") +
         " subjectaltname=" + (p.subjectaltname.empty() ? std::string("undefined") : q(p.subjectaltname)) +
         " valid_from=" + q(p.valid_from) + " valid_to=" + q(p.valid_to) + " serialNumber=" + p.serialNumber +
         " fingerprint256=" + p.fingerprint256;
}

/// traceSocket plus 'secureConnect'. ('session' is left out: Node emits one per TLS 1.3
/// ticket, berth one per connection, as tls/socket.hpp documents.)
inline void traceTLS(const tls::TLSSocketPtr& s, std::string tag, std::vector<std::string> skip = {}) {
  traceSocket(s, tag, skip);
  if (std::find(skip.begin(), skip.end(), "secureConnect") == skip.end())
    s->on(tls::events::secureConnect, [tag] { line(tag, "secureConnect"); });
}

/// traceServer plus 'secureConnection' and 'tlsClientError' (with the socket's destroyed).
inline void traceTLSServer(const tls::ServerPtr& s, std::string tag) {
  traceServer(s, tag);
  s->on(tls::events::secureConnection, [tag](const tls::TLSSocketPtr&) { line(tag, "secureConnection"); });
  s->on(tls::events::tlsClientError, [tag](const Error& e, const tls::TLSSocketPtr& sock) {
    line(tag, "tlsClientError", err(e), "destroyed=" + str(sock->destroyed()));
  });
}


struct RejectedCertificateState {
  std::vector<bool> rounds = {true, false};
  std::size_t i = 0;
  int closed = 0;
  tls::ServerPtr server;
};

inline void rejectedCertificateNext(const std::shared_ptr<RejectedCertificateState>& st);

// The next client starts once both ends of the last connection have closed.
inline void rejectedCertificateClosed(const std::shared_ptr<RejectedCertificateState>& st) {
  if (++st->closed % 2 == 0) {
    st->i++;
    rejectedCertificateNext(st);
  }
}

inline void rejectedCertificateNext(const std::shared_ptr<RejectedCertificateState>& st) {
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
  c->on(tls::events::close, [st](bool) { rejectedCertificateClosed(st); });
}

// The server presents `name`.key/.crt; a client with the trusted CA connects to localhost
// with rejectUnauthorized true, then false (tls-expired, tls-self-signed, tls-wrong-host).
inline void rejectedCertificateScenario(const std::string& name) {
  auto st = std::make_shared<RejectedCertificateState>();
  tls::ServerOptions options;
  options.key = pem(name + ".key");
  options.cert = pem(name + ".crt");
  st->server = tls::createServer(options, [st](const tls::TLSSocketPtr& s) {
    traceTLS(s, "S" + std::to_string(st->i));
    s->end("hi");
  });
  traceTLSServer(st->server, "server");
  st->server->on(net::events::connection,
                 [st](const net::SocketPtr& s) { s->on(net::events::close, [st](bool) { rejectedCertificateClosed(st); }); });
  st->server->listen(0, "127.0.0.1", [st] { rejectedCertificateNext(st); });
}

}  // namespace conf
