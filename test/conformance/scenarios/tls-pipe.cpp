// pipe() through TLS: an echo server that pipes each TLSSocket into itself
// (socket.pipe(socket)). The client sends 'hello', waits for its echo, then sends 4 MiB
// (64 writes of 64 KiB, byte j of chunk k is (7k + 13j) mod 256, with backpressure)
// and ends; the pipe ends the server's side at its 'end'. The client counts and hashes
// (SHA-256) what comes back and compares it with what it sent.
#include "trace_tls.hpp"

using namespace conf;

namespace {

constexpr std::size_t COUNT = 64;

struct Client {
  std::shared_ptr<Sha256> sent = std::make_shared<Sha256>();
  Sha256 received;
  std::size_t receivedBytes = 0;
};

}  // namespace

void scenario() {
  auto server = tls::createServer(keyAndCert("server"), [](const tls::TLSSocketPtr& s) {
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
    auto st = std::make_shared<Client>();
    auto c = payloadClient(server, [st](tls::TLSSocket& c) {
      c.write("hello");
      st->sent->update(BufferView(std::string_view("hello")));
    });
    c->on(tls::events::data, [st, c = c.get()](BufferView d) {
      bool first = st->receivedBytes == 0;
      st->receivedBytes += d.size();
      st->received.update(d);
      if (first) {
        line("C first echo", chunk(d));
        writeChunks(*c, COUNT, st->sent, [st, c] {
          line("C sent bytes=" + str(5 + CHUNK * COUNT), "sha256=" + st->sent->digest_hex());
          c->end();
        });
      }
    });
    c->on(tls::events::finish, [] { line("C finish"); });
    c->on(tls::events::end, [st] {
      line("C end received bytes=" + str(st->receivedBytes), "sha256=" + st->received.digest_hex());
    });
  });
}
