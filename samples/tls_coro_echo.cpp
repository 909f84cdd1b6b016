// A coroutine TLS echo server and its client, in one program (berth::tls's coroutine core).
// Usage:
//   tls_coro_echo server PORT KEY_FILE CERT_FILE     echo every TLS connection's bytes back
//   tls_coro_echo client PORT CA_FILE [TEXT]         send TEXT to 127.0.0.1:PORT, print the echo
// Certificates for a try (the server's for localhost and 127.0.0.1):
//   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=localhost
//     -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout key.pem -out cert.pem   (one line)
//   tls_coro_echo server 8443 key.pem cert.pem &  tls_coro_echo client 8443 cert.pem hello
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <berth/berth.hpp>
#include <berth/tls.hpp>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace tls = berth::tls;

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot read ") + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

asio::awaitable<void> echo(berth::Stream raw, tls::SecureContext context) {
  tls::Stream stream(std::move(raw), context);
  berth::Error error;
  co_await stream.handshake(tls::server, error);
  if (error) {  // Node's 'tlsClientError'
    std::cerr << "handshake failed: " << error << std::endl;
    co_return;
  }
  char data[16384];
  while (std::size_t n = co_await stream.read_some(asio::buffer(data), error))
    co_await stream.write(asio::buffer(data, n), error);
  co_await stream.shutdown(error);  // close_notify, then FIN: the client's read ends
}

asio::awaitable<void> serve(berth::Acceptor acceptor, tls::SecureContext context) {
  for (;;) {
    berth::Stream stream = co_await acceptor.accept();
    asio::co_spawn(stream.get_executor(), echo(std::move(stream), context), asio::detached);
  }
}

asio::awaitable<void> client(int port, tls::SecureContext context, std::string text) {
  berth::ConnectOptions connect;
  connect.host = "127.0.0.1";
  connect.port = port;
  tls::ConnectOptions options(connect, context);
  tls::Stream stream = co_await tls::connect(options);  // throws DEPTH_ZERO_SELF_SIGNED_CERT, ...
  std::cout << stream.getProtocol() << " " << stream.getCipher().name << ", server "
            << stream.getPeerCertificate().subject["CN"] << std::endl;
  co_await stream.write(text);
  co_await stream.shutdown();
  std::string echoed;
  char data[4096];
  while (std::size_t n = co_await stream.read_some(asio::buffer(data))) echoed.append(data, n);
  std::cout << "echoed: " << echoed << std::endl;
}

int main(int argc, char* argv[]) try {
  std::string mode = argc > 1 ? argv[1] : "";
  berth::Loop loop;
  if (mode == "server" && argc == 5) {
    tls::SecureContextOptions options;
    options.key = read_file(argv[3]);
    options.cert = read_file(argv[4]);
    tls::SecureContext context(options);
    berth::Acceptor acceptor(loop.get_executor());
    acceptor.listen({.port = berth::validate_port(argv[2])});
    std::cout << "TLS echo server listening on port " << acceptor.address()->port << std::endl;
    asio::co_spawn(loop.get_executor(), serve(std::move(acceptor), context), asio::detached);
  } else if (mode == "client" && (argc == 4 || argc == 5)) {
    tls::SecureContextOptions options;
    options.ca = {read_file(argv[3])};
    tls::SecureContext context(options);
    asio::co_spawn(loop.get_executor(), client(berth::validate_port(argv[2]), context, argc == 5 ? argv[4] : "hello"),
                   [](std::exception_ptr e) {
                     if (e) std::rethrow_exception(e);
                   });
  } else {
    std::cerr << "usage: tls_coro_echo server PORT KEY_FILE CERT_FILE | client PORT CA_FILE [TEXT]" << std::endl;
    return 2;
  }
  loop.run();
} catch (const berth::Error& error) {
  std::cerr << error << std::endl;
  return 1;
} catch (const std::exception& error) {
  std::cerr << error.what() << std::endl;
  return 1;
}
