// 64 MiB through TLS, client to server: 1024 writes of 64 KiB (byte j of chunk k is
// (7k + 13j) mod 256), each after the last write's 'drain' when write() returned false.
// The server counts the bytes and hashes them (SHA-256); both ends print the count and
// the hash, the server once the client's end() arrives. Then both close.
#include "trace_tls.hpp"

using namespace conf;

constexpr std::size_t COUNT = 1024;

void scenario() {
  auto server = tls::createServer(keyAndCert("server"), [](const tls::TLSSocketPtr& s) {
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
    auto hash = std::make_shared<Sha256>();
    auto c = payloadClient(server, [hash](tls::TLSSocket& c) {
      line("C secureConnect");
      writeChunks(c, COUNT, hash, [hash, c = &c] {
        line("C wrote bytes=" + str(CHUNK * COUNT), "sha256=" + hash->digest_hex());
        c->end();
      });
    });
    c->on(tls::events::finish, [c] { line("C finish bytesWritten=" + str(c->bytesWritten())); });
    c->on(tls::events::end, [] { line("C end"); });
  });
}
