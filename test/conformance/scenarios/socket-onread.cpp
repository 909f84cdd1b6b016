// onread with a static buffer: the callback gets the same 4-byte buffer every time,
// filled in chunks of at most 4 bytes; no 'data' events, but 'end' and 'close' come and
// bytesRead counts. With a buffer function and a callback returning false, reading
// stops after one chunk while isPaused() stays false.
#include <deque>

#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) {
    c->on(net::events::error, [] {});
    c->write("abcdefghij");
    setTimeout([c] { c->end("XYZ"); }, 40);
  });
  server->listen(0, "127.0.0.1", [server] {
    int port = server->address()->port;
    static std::uint8_t buf[4];
    auto c = net::connect(net::ConnectOptions{
        .port = port,
        .host = "127.0.0.1",
        .onread = net::OnRead{.buffer = std::span<std::uint8_t>(buf),
                              .callback = [](std::size_t nread, std::span<std::uint8_t> b) {
                                line("static callback", nread, chunk(BufferView(b.data(), nread)),
                                     "sameBuffer=" + str(b.data() == buf && b.size() == sizeof buf));
                                return true;
                              }}});
    traceSocket(c, "static", {"connectionAttempt", "connect", "ready", "finish"});
    c->on(net::events::close, [c, server, port] {
      line("static bytesRead", c->bytesRead());
      static std::deque<std::vector<std::uint8_t>> buffers;  // each read's own buffer stays valid
      auto d = net::connect(net::ConnectOptions{
          .port = port,
          .host = "127.0.0.1",
          .onread = net::OnRead{.bufferFactory =
                                    [] {
                                      buffers.emplace_back(3);
                                      return std::span<std::uint8_t>(buffers.back());
                                    },
                                .callback = [](std::size_t nread, std::span<std::uint8_t> b) {
                                  line("function callback", nread, b.size());
                                  return false;
                                }}});
      setTimeout(
          [d, server] {
            line("function isPaused", d->isPaused());
            d->destroy();
            server->close();
          },
          150);
    });
  });
}
