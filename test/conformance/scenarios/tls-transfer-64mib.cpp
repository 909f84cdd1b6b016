// 64 MiB through TLS, client to server: 1024 writes of 64 KiB (byte j of chunk k is
// (7k + 13j) mod 256), each after the last write's 'drain' when write() returned false.
// The server counts the bytes and hashes them (SHA-256); both ends print the count and
// the hash, the server once the client's end() arrives. Then both close.
#include <openssl/evp.h>

#include "trace_tls.hpp"

using namespace conf;

namespace {

constexpr std::size_t CHUNK = 64 * 1024;
constexpr std::size_t COUNT = 1024;

Buffer chunkOf(std::size_t k) {
  Buffer b = Buffer::alloc(CHUNK);
  for (std::size_t j = 0; j < CHUNK; j++) b.data()[j] = static_cast<std::uint8_t>(7 * k + 13 * j);
  return b;
}

// crypto.createHash('sha256'), through OpenSSL's EVP API.
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

struct Client {
  tls::TLSSocket* c = nullptr;
  Sha256 hash;
  std::size_t k = 0;
};

void pump(const std::shared_ptr<Client>& st) {
  while (st->k < COUNT) {
    Buffer b = chunkOf(st->k++);
    st->hash.update(b.view());
    if (!st->c->write(b)) {
      st->c->once(tls::events::drain, [st] { pump(st); });
      return;
    }
  }
  line("C wrote bytes=" + str(CHUNK * COUNT), "sha256=" + st->hash.digest_hex());
  st->c->end();
}

}  // namespace

void scenario() {
  tls::ServerOptions options;
  options.key = pem("server.key");
  options.cert = pem("server.crt");
  auto server = tls::createServer(options, [](const tls::TLSSocketPtr& s) {
    auto hash = std::make_shared<Sha256>();
    auto bytes = std::make_shared<std::size_t>(0);
    s->on(tls::events::data, [hash, bytes](BufferView d) {
      *bytes += d.size();
      hash->update(d);
    });
    s->on(tls::events::end, [hash, bytes, s = s.get()] {
      line("S end bytes=" + str(*bytes), "bytesRead=" + str(s->bytesRead()), "sha256=" + hash->digest_hex());
      s->end();
    });
    s->on(tls::events::close, [](bool hadError) { line("S close hadError=" + str(hadError)); });
  });
  traceTLSServer(server, "server");
  server->listen(0, "127.0.0.1", [server] {
    tls::ConnectionOptions o;
    o.port = server->address()->port;
    o.host = "127.0.0.1";
    o.servername = "localhost";
    o.ca = {pem("ca.crt")};
    auto st = std::make_shared<Client>();
    auto c = tls::connect(o, [st] {
      line("C secureConnect");
      pump(st);
    });
    st->c = c.get();
    c->on(tls::events::finish, [c] { line("C finish bytesWritten=" + str(c->bytesWritten())); });
    c->on(tls::events::end, [] { line("C end"); });
    c->on(tls::events::error, [](const Error& e) { line("C error", e.code); });
    c->on(tls::events::close, [server](bool hadError) {
      line("C close hadError=" + str(hadError));
      server->close();
    });
  });
}
