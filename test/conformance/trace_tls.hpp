#pragma once
// TLS trace helpers for the C++ side of the tls-* conformance scenarios; trace.js has
// the Node twins (pem, tlsInfo, peerCert, traceTLS, traceTLSServer, tlsRounds,
// rejectedCertificateScenario) with the same output.
// Header-only, so that only the TLS scenarios compile berth/tls.hpp.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <openssl/evp.h>

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

/// Server options presenting `name`.key and `name`.crt: trace.js's
/// { key: pem(name + '.key'), cert: pem(name + '.crt') }.
inline tls::ServerOptions keyAndCert(const std::string& name) {
  tls::ServerOptions options;
  options.key = pem(name + ".key");
  options.cert = pem(name + ".crt");
  return options;
}

/// Client options to `port` on `host` trusting the CA in `ca`: trace.js's
/// { port, host, ca: pem(ca) }.
inline tls::ConnectionOptions clientOptions(std::uint16_t port, const std::string& host,
                                            const std::string& ca = "ca.crt") {
  tls::ConnectionOptions options;
  options.port = port;
  options.host = host;
  options.ca = {pem(ca)};
  return options;
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


/// trace.js's silentClient (tls-handshake-timeout, tls-handshake-timeout-no-listener):
/// `server` listens on 127.0.0.1, and a plain TCP client, traced as "C", connects to it
/// and never says hello; then(c) adds to it. The server closes once both ends of the
/// connection have closed.
inline void silentClient(const tls::ServerPtr& server, std::function<void(const net::SocketPtr&)> then = {}) {
  auto closed = std::make_shared<int>(0);
  auto closedOne = [server, closed] {
    if (++*closed == 2) server->close();
  };
  server->on(net::events::connection, [closedOne](const net::SocketPtr& s) {
    s->on(net::events::close, [closedOne](bool) { closedOne(); });
  });
  server->listen(0, "127.0.0.1", [server, closedOne, then = std::move(then)] {
    auto c = net::connect(server->address()->port, "127.0.0.1");
    traceSocket(c, "C", {"connectionAttempt"});
    c->on(net::events::close, [closedOne](bool) { closedOne(); });
    if (then) then(c);
  });
}

/// The payload of tls-transfer-64mib and tls-pipe: chunks of CHUNK bytes, byte j of chunk
/// k being (7k + 13j) mod 256.
inline constexpr std::size_t CHUNK = 64 * 1024;
inline Buffer chunkOf(std::size_t k) {
  Buffer b = Buffer::alloc(CHUNK);
  for (std::size_t j = 0; j < CHUNK; j++) b.data()[j] = static_cast<std::uint8_t>(7 * k + 13 * j);
  return b;
}

/// crypto.createHash('sha256'), through OpenSSL's EVP API; digest_hex() is digest('hex').
class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }
  void update(BufferView d) { EVP_DigestUpdate(ctx_.get(), d.data(), d.size()); }
  std::string digest_hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_.get(), md, &n);
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < n; i++) {
      out += digits[md[i] >> 4];
      out += digits[md[i] & 15];
    }
    return out;
  }

 private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

struct ChunkWriter {
  tls::TLSSocket* c;
  std::size_t count;
  std::shared_ptr<Sha256> hash;
  std::function<void()> done;
  std::size_t k = 0;

  static void pump(const std::shared_ptr<ChunkWriter>& w) {
    while (w->k < w->count) {
      Buffer b = chunkOf(w->k++);
      w->hash->update(b.view());
      if (!w->c->write(b)) {
        w->c->once(tls::events::drain, [w] { pump(w); });
        return;
      }
    }
    w->done();
  }
};

/// Writes chunks 0 to count - 1 of the payload to c, each into `hash` as well, the next
/// after 'drain' whenever write() returns false; then calls done(). `c` must outlive the
/// writing (its 'drain' listener holds the rest).
inline void writeChunks(tls::TLSSocket& c, std::size_t count, std::shared_ptr<Sha256> hash,
                        std::function<void()> done) {
  ChunkWriter::pump(std::make_shared<ChunkWriter>(ChunkWriter{&c, count, std::move(hash), std::move(done)}));
}

/// tls::connect with a callback that gets the socket, as Node's callback reads the `c`
/// that tls.connect returned.
inline tls::TLSSocketPtr connectTLS(tls::ConnectionOptions options, std::function<void(tls::TLSSocket&)> callback) {
  auto holder = std::make_shared<tls::TLSSocket*>(nullptr);
  auto c = tls::connect(std::move(options), [holder, callback = std::move(callback)] { callback(**holder); });
  *holder = c.get();
  return c;
}

/// trace.js's payloadClient (tls-pipe, tls-transfer-64mib): connects to `server`
/// (127.0.0.1, servername localhost, the trusted CA) and calls secure(c) once secure;
/// prints its 'error' (the code) and 'close', at which it closes the server.
inline tls::TLSSocketPtr payloadClient(const tls::ServerPtr& server, std::function<void(tls::TLSSocket&)> secure) {
  auto o = clientOptions(server->address()->port, "127.0.0.1");
  o.servername = "localhost";
  auto c = connectTLS(o, std::move(secure));
  c->on(tls::events::error, [](const Error& e) { line("C error", e.code); });
  c->on(tls::events::close, [server](bool hadError) {
    line("C close hadError=" + str(hadError));
    server->close();
  });
  return c;
}

/// trace.js's tlsRounds: rounds of one TLS client each against one server (tls-alpn,
/// tls-sni, tls-client-cert, tls-reject-unauthorized, rejectedCertificateScenario).
/// tls::createServer(options) with serve(socket, i) as its handler for round i, traced as
/// "server", listens on 127.0.0.1; client(i, port) connects round i's client and returns
/// it. The next client starts once both ends of the last connection have closed; the
/// server closes after round count - 1.
class TLSRounds : public std::enable_shared_from_this<TLSRounds> {
 public:
  using Serve = std::function<void(const tls::TLSSocketPtr&, std::size_t)>;
  using Client = std::function<tls::TLSSocketPtr(std::size_t, std::uint16_t)>;

  static void start(const tls::ServerOptions& options, std::size_t count, Serve serve, Client client) {
    auto st = std::shared_ptr<TLSRounds>(new TLSRounds(count, std::move(client)));
    st->server_ = tls::createServer(
        options, [st, serve = std::move(serve)](const tls::TLSSocketPtr& s) { serve(s, st->i_); });
    traceTLSServer(st->server_, "server");
    st->server_->on(net::events::connection,
                    [st](const net::SocketPtr& s) { s->on(net::events::close, [st](bool) { st->closedOne(); }); });
    st->server_->listen(0, "127.0.0.1", [st] { st->next(); });
  }

 private:
  TLSRounds(std::size_t count, Client client) : count_(count), client_(std::move(client)) {}

  void next() {
    if (i_ == count_) {
      server_->close();
      return;
    }
    auto c = client_(i_, server_->address()->port);
    c->on(tls::events::close, [st = shared_from_this()](bool) { st->closedOne(); });
  }

  void closedOne() {
    if (++closed_ % 2 == 0) {
      i_++;
      next();
    }
  }

  std::size_t count_;
  Client client_;
  std::size_t i_ = 0;
  int closed_ = 0;
  tls::ServerPtr server_;
};

inline void tlsRounds(const tls::ServerOptions& options, std::size_t count, TLSRounds::Serve serve,
                      TLSRounds::Client client) {
  TLSRounds::start(options, count, std::move(serve), std::move(client));
}

// The server presents `name`.key/.crt; a client with the trusted CA connects to localhost
// with rejectUnauthorized true, then false (tls-expired, tls-self-signed, tls-wrong-host).
inline void rejectedCertificateScenario(const std::string& name) {
  static const std::vector<bool> rounds = {true, false};
  tlsRounds(
      keyAndCert(name), rounds.size(),
      [](const tls::TLSSocketPtr& s, std::size_t i) {
        traceTLS(s, "S" + std::to_string(i));
        s->end("hi");
      },
      [](std::size_t i, std::uint16_t port) {
        std::string tag = "C" + std::to_string(i);
        line(tag, "rejectUnauthorized=" + str(rounds[i]));
        auto options = clientOptions(port, "localhost");
        options.family = 4;
        options.rejectUnauthorized = rounds[i];
        auto c = connectTLS(options, [tag](tls::TLSSocket& c) {
          line(tag, "callback", tlsInfo(c));
          line(tag, "peer", peerCert(c.getPeerCertificate()));
        });
        traceTLS(c, tag, {"lookup", "connectionAttempt"});
        return c;
      });
}

}  // namespace conf
