// berth's coroutine layer as an echo server: berth::Acceptor + berth::Stream, one coroutine
// per connection (co_spawn), in the readiness form: wait_readable(), then try_read() into ONE
// 64 KiB buffer shared by every connection, echoed at once with try_write(); only what the
// kernel does not take is copied into the connection's own buffer and written with write().
// An idle connection therefore holds no read buffer (about 1 KiB of user space instead of
// the 64 KiB a read_some() loop keeps in its frame). See benchmarks/FINDINGS.md for how this
// form compares with the read_some()/write() loop (berth_core_rs_echo.cpp).
// usage: berth_core_echo PORT   (listens on 127.0.0.1; SIGINT/SIGTERM end it)

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/signal_set.hpp>
#include <berth/acceptor.hpp>
#include <berth/loop.hpp>
#include <berth/stream.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

std::array<char, 64 * 1024> shared_buffer;  // one thread: every connection reads here

asio::awaitable<void> echo(berth::Stream stream) {
  std::vector<char> unsent;  // empty unless the kernel once refused part of an echo
  std::error_code error;      // the std::error_code forms: Asio's operations, nothing around them
  for (;;) {
    co_await stream.wait_readable(error);
    if (error) co_return;
    // Drain what is there (a bounded number of reads, so that one busy connection cannot
    // starve the others); a short read means the socket is empty.
    for (int i = 0; i < 4; ++i) {
      bool would_block = false, eof = false;
      std::size_t n = stream.try_read(asio::buffer(shared_buffer), error, would_block, eof);
      if (error || eof) co_return;
      if (would_block) break;
      std::size_t taken = stream.try_write(asio::buffer(shared_buffer.data(), n), error);
      if (error) co_return;
      if (taken < n) {
        // Backpressure: keep the rest (shared_buffer is the next reader's) and wait for it.
        unsent.assign(shared_buffer.data() + taken, shared_buffer.data() + n);
        co_await stream.write(asio::buffer(unsent), error);
        if (error) co_return;
      }
      if (n < shared_buffer.size()) break;
    }
  }
}

asio::awaitable<void> listen(berth::Acceptor& acceptor) {
  while (acceptor.is_open()) {
    berth::Error error;
    berth::Stream stream = co_await acceptor.accept(error);
    if (error) continue;  // closed (the loop ends), or e.g. EMFILE: keep serving
    asio::co_spawn(stream.get_executor(), echo(std::move(stream)), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s PORT\n", argv[0]);
    return 2;
  }
  berth::Loop& loop = berth::Loop::current();
  berth::Acceptor acceptor(loop.get_executor());
  berth::ListenOptions options;
  options.host = "127.0.0.1";
  options.port = static_cast<std::uint16_t>(std::atoi(argv[1]));
  acceptor.listen(options);

  asio::signal_set signals(loop.context(), SIGINT, SIGTERM);
  signals.async_wait([&](const std::error_code&, int) {
    acceptor.close();
    loop.stop();  // connections still open are dropped with the process
  });
  asio::co_spawn(loop.get_executor(), listen(acceptor), asio::detached);
  loop.run();
}
