// berth's coroutine layer as an echo server, in the read_some()/write() form: the shape of the
// raw Asio peer (asio_echo.cpp), one coroutine per connection looping over its own 64 KiB
// buffer. Kept to compare with berth_core_echo.cpp (the readiness form); see FINDINGS.md.
// usage: berth_core_rs_echo PORT   (listens on 127.0.0.1; SIGINT/SIGTERM end it)

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/signal_set.hpp>
#include <berth/acceptor.hpp>
#include <berth/loop.hpp>
#include <berth/stream.hpp>

#include <cstdio>
#include <cstdlib>

namespace {

asio::awaitable<void> echo(berth::Stream stream) {
  char data[64 * 1024];  // in the coroutine frame, as in asio_echo.cpp
  berth::Error error;
  for (;;) {
    std::size_t n = co_await stream.read_some(asio::buffer(data), error);
    if (error || n == 0) co_return;
    co_await stream.write(asio::buffer(data, n), error);
    if (error) co_return;
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
