// Experiment (not built by CMake; see benchmarks/FINDINGS.md): the floor for berth_core_echo's form.
// Raw Asio, one coroutine per connection: async_wait(wait_read), then non-blocking read_some /
// write_some into ONE shared 64 KiB buffer (non_blocking set once), error_code only.
// g++ -std=c++20 -O2 -DNDEBUG -DASIO_STANDALONE asio_ready_echo.cpp -o asio_ready_echo -pthread
// usage: asio_ready_echo PORT
#include <asio.hpp>
#include <array>
#include <cstdio>
#include <vector>
using asio::ip::tcp;
static std::array<char, 65536> buf;
asio::awaitable<void> echo(tcp::socket s) {
  std::error_code ec;
  s.non_blocking(true, ec);
  std::vector<char> unsent;
  for (;;) {
    co_await s.async_wait(tcp::socket::wait_read, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    for (int i = 0; i < 4; ++i) {
      std::size_t n = s.read_some(asio::buffer(buf), ec);
      if (ec == asio::error::would_block) break;
      if (ec) co_return;
      std::size_t w = s.write_some(asio::buffer(buf.data(), n), ec);
      if (ec == asio::error::would_block) { w = 0; ec = {}; }
      if (ec) co_return;
      if (w < n) {
        unsent.assign(buf.data() + w, buf.data() + n);
        co_await asio::async_write(s, asio::buffer(unsent), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) co_return;
      }
      if (n < buf.size()) break;
    }
  }
}
asio::awaitable<void> listen(tcp::acceptor& a) {
  for (;;) {
    std::error_code ec;
    tcp::socket s = co_await a.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted) co_return;
    if (!ec) asio::co_spawn(a.get_executor(), echo(std::move(s)), asio::detached);
  }
}
int main(int, char** argv) {
  asio::io_context ctx(1);
  tcp::acceptor a(ctx, {asio::ip::make_address("127.0.0.1"), (unsigned short)atoi(argv[1])});
  asio::signal_set sig(ctx, SIGINT, SIGTERM);
  sig.async_wait([&](auto, int) { ctx.stop(); });
  asio::co_spawn(ctx, listen(a), asio::detached);
  ctx.run();
}
