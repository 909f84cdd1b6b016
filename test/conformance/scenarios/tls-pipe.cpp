// pipe() through TLS: an echo server that pipes each TLSSocket into itself
// (socket.pipe(socket)). The client sends 'hello', waits for its echo, then sends 4 MiB
// (64 writes of 64 KiB, byte j of chunk k is (7k + 13j) mod 256, with backpressure)
// and ends; the pipe ends the server's side at its 'end'. The client counts and hashes
// (SHA-256) what comes back and compares it with what it sent.
#include <openssl/evp.h>

#include "trace_tls.hpp"

using namespace conf;

namespace {

constexpr std::size_t CHUNK = 64 * 1024;
constexpr std::size_t COUNT = 64;

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
  tls::TLSSocketPtr c;
  Sha256 sent;
  Sha256 received;
  std::size_t receivedBytes = 0;
  std::size_t k = 0;
};

void pump(const std::shared_ptr<Client>& st) {
  while (st->k < COUNT) {
    Buffer b = chunkOf(st->k++);
    st->sent.update(b.view());
    if (!st->c->write(b)) {
      st->c->once(tls::events::drain, [st] { pump(st); });
      return;
    }
  }
  line("C sent bytes=" + str(5 + CHUNK * COUNT), "sha256=" + st->sent.digest_hex());
  st->c->end();
}

}  // namespace

void scenario() {
  tls::ServerOptions options;
  options.key = pem("server.key");
  options.cert = pem("server.crt");
  auto server = tls::createServer(options, [](const tls::TLSSocketPtr& s) {
    s->pipe(s);
    s->on(tls::events::end, [] { line("S", "end"); });
    s->on(tls::events::finish, [] { line("S", "finish"); });
    s->on(tls::events::close, [s = s.get()](bool hadError) {
      line("S close hadError=" + str(hadError), "bytesRead=" + str(s->bytesRead()),
           "bytesWritten=" + str(s->bytesWritten()));
    });
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
      st->c->write("hello");
      st->sent.update(BufferView(std::string_view("hello")));
    });
    st->c = c;
    c->on(tls::events::data, [st](BufferView d) {
      bool first = st->receivedBytes == 0;
      st->receivedBytes += d.size();
      st->received.update(d);
      if (first) {
        line("C first echo", chunk(d));
        pump(st);
      }
    });
    c->on(tls::events::finish, [] { line("C finish"); });
    c->on(tls::events::end, [st] {
      line("C end received bytes=" + str(st->receivedBytes), "sha256=" + st->received.digest_hex());
    });
    c->on(tls::events::error, [](const Error& e) { line("C error", e.code); });
    c->on(tls::events::close, [server](bool hadError) {
      line("C close hadError=" + str(hadError));
      server->close();
    });
  });
}
