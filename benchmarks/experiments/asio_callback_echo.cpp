// Experiment (not built by CMake; see benchmarks/FINDINGS.md): the floor for a callback-driven
// event layer. Raw Asio callbacks, one small object per connection: async_wait(wait_read), then
// non-blocking read_some / write_some into ONE shared 64 KiB buffer; no coroutine per connection.
// g++ -std=c++20 -O2 -DNDEBUG -DASIO_STANDALONE asio_callback_echo.cpp -o asio_callback_echo -pthread
// usage: asio_callback_echo PORT
#include <asio.hpp>
#include <array>
#include <cstdio>
#include <memory>
#include <vector>
using asio::ip::tcp;
static std::array<char, 65536> buf;
struct Conn : std::enable_shared_from_this<Conn> {
  explicit Conn(tcp::socket s) : s(std::move(s)) {}
  tcp::socket s;
  std::vector<char> unsent;
  void start() {
    s.async_wait(tcp::socket::wait_read, [self = shared_from_this()](std::error_code ec) { self->on_readable(ec); });
  }
  void on_readable(std::error_code ec) {
    if (ec) return;
    for (int i = 0; i < 4; ++i) {
      std::size_t n = s.read_some(asio::buffer(buf), ec);
      if (ec == asio::error::would_block) break;
      if (ec) return;
      std::size_t w = s.write_some(asio::buffer(buf.data(), n), ec);
      if (ec == asio::error::would_block) { w = 0; ec = {}; }
      if (ec) return;
      if (w < n) {
        unsent.assign(buf.data() + w, buf.data() + n);
        asio::async_write(s, asio::buffer(unsent), [self = shared_from_this()](std::error_code ec, std::size_t) {
          if (!ec) self->start();
        });
        return;
      }
      if (n < buf.size()) break;
    }
    start();
  }
};
void accept(tcp::acceptor& a) {
  a.async_accept([&a](std::error_code ec, tcp::socket s) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      s.non_blocking(true, ec);
      std::make_shared<Conn>(std::move(s))->start();
    }
    accept(a);
  });
}
int main(int, char** argv) {
  asio::io_context ctx(1);
  tcp::acceptor a(ctx, {asio::ip::make_address("127.0.0.1"), (unsigned short)atoi(argv[1])});
  asio::signal_set sig(ctx, SIGINT, SIGTERM);
  sig.async_wait([&](auto, int) { ctx.stop(); });
  accept(a);
  ctx.run();
}
