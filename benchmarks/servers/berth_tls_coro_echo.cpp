// berth's coroutine layer as a TLS echo server (the shape of samples/tls_coro_echo.cpp, and of
// asio_tls_echo.cpp, its raw asio::ssl peer): berth::Acceptor, one coroutine per connection
// that wraps the accepted berth::Stream in a tls::Stream, runs the server handshake, then loops
// read_some / write over its own 16 KiB buffer (a TLS record's largest payload), in the
// Error& forms.
// usage: berth_tls_coro_echo PORT KEY_FILE CERT_FILE   (listens on 127.0.0.1; PEM files;
// SIGINT/SIGTERM end it)

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/signal_set.hpp>
#include <berth/acceptor.hpp>
#include <berth/loop.hpp>
#include <berth/stream.hpp>
#include <berth/tls.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace tls = berth::tls;

namespace {

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

asio::awaitable<void> echo(berth::Stream raw, tls::SecureContext context) {
  raw.set_no_delay();  // as every TLS server of the benchmark: see asio_tls_echo.cpp
  tls::Stream stream(std::move(raw), context);
  berth::Error error;
  co_await stream.handshake(tls::server, error);
  if (error) co_return;
  char data[16 * 1024];  // lives in the coroutine frame: one allocation per connection
  for (;;) {
    std::size_t n = co_await stream.read_some(asio::buffer(data), error);
    if (error || n == 0) co_return;
    co_await stream.write(asio::buffer(data, n), error);
    if (error) co_return;
  }
}

asio::awaitable<void> listen(berth::Acceptor& acceptor, tls::SecureContext context) {
  while (acceptor.is_open()) {
    berth::Error error;
    berth::Stream stream = co_await acceptor.accept(error);
    if (error) continue;  // closed (the loop ends), or e.g. EMFILE: keep serving
    asio::co_spawn(stream.get_executor(), echo(std::move(stream), context), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s PORT KEY_FILE CERT_FILE\n", argv[0]);
    return 2;
  }
  tls::SecureContextOptions options;
  options.key = read_file(argv[2]);
  options.cert = read_file(argv[3]);
  tls::SecureContext context(options);

  berth::Loop& loop = berth::Loop::current();
  berth::Acceptor acceptor(loop.get_executor());
  berth::ListenOptions listen_options;
  listen_options.host = "127.0.0.1";
  listen_options.port = static_cast<std::uint16_t>(std::atoi(argv[1]));
  acceptor.listen(listen_options);

  asio::signal_set signals(loop.context(), SIGINT, SIGTERM);
  signals.async_wait([&](const std::error_code&, int) {
    acceptor.close();
    loop.stop();  // connections still open are dropped with the process
  });
  asio::co_spawn(loop.get_executor(), listen(acceptor, context), asio::detached);
  loop.run();
}
