// Raw asio::ssl echo server with C++20 coroutines: the TLS baseline, written plainly, the way
// an Asio user would. The same shape as asio_echo.cpp: one thread, a co_spawn'ed acceptor and one
// coroutine per connection that runs the server handshake, then loops async_read_some /
// async_write over its own 16 KiB buffer (a TLS record's largest payload: asio::ssl's read_some
// never returns more) with plain use_awaitable (EOF, a reset or a failed handshake arrive as an
// exception). The context is OpenSSL's default for asio::ssl::context::tls_server with the
// certificate and key loaded: TLS 1.2 and 1.3, OpenSSL's default session tickets.
// TCP_NODELAY on every connection, as on every TLS server of the benchmark: a TLS 1.3 server
// sends its session tickets in a write of their own after the handshake, so without it the
// first echo waits behind Nagle for the client's delayed ACK (40 ms), and cr would measure that.
// usage: asio_tls_echo PORT KEY_FILE CERT_FILE   (listens on 127.0.0.1; PEM files)

#include <asio.hpp>
#include <asio/ssl.hpp>

#include <cstdio>
#include <cstdlib>

namespace {

using asio::ip::tcp;

asio::awaitable<void> echo(asio::ssl::stream<tcp::socket> stream) {
  char data[16 * 1024];  // lives in the coroutine frame: one allocation per connection
  try {
    co_await stream.async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
    for (;;) {
      std::size_t n = co_await stream.async_read_some(asio::buffer(data), asio::use_awaitable);
      co_await asio::async_write(stream, asio::buffer(data, n), asio::use_awaitable);
    }
  } catch (const std::system_error&) {
    // EOF, a reset or a failed handshake: the connection is over
  }
}

asio::awaitable<void> listen(tcp::acceptor& acceptor, asio::ssl::context& context) {
  asio::error_code ec;
  for (;;) {
    tcp::socket socket = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      continue;  // e.g. EMFILE: keep serving the connections we have
    }
    socket.set_option(tcp::no_delay(true), ec);  // see the note at the top
    asio::co_spawn(acceptor.get_executor(), echo(asio::ssl::stream<tcp::socket>(std::move(socket), context)),
                   asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s PORT KEY_FILE CERT_FILE\n", argv[0]);
    return 2;
  }
  auto port = static_cast<unsigned short>(std::atoi(argv[1]));
  asio::ssl::context context(asio::ssl::context::tls_server);
  context.use_private_key_file(argv[2], asio::ssl::context::pem);
  context.use_certificate_chain_file(argv[3]);

  asio::io_context ctx(1);
  tcp::acceptor acceptor(ctx, {asio::ip::make_address("127.0.0.1"), port});
  asio::signal_set signals(ctx, SIGINT, SIGTERM);
  signals.async_wait([&](auto, int) { ctx.stop(); });
  asio::co_spawn(ctx, listen(acceptor, context), asio::detached);
  ctx.run();
}
