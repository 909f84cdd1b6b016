// berth's event layer as a TLS echo server, Node's way (the shape of berth_event_echo.cpp over
// tls::createServer, as in samples/tls_echo_server.cpp):
//   tls.createServer({key, cert, noDelay: true}, s => s.on('data', b => s.write(b)))
// usage: berth_tls_event_echo PORT KEY_FILE CERT_FILE   (listens on 127.0.0.1; PEM files;
// SIGINT/SIGTERM end it)

#include <asio/signal_set.hpp>
#include <berth/net.hpp>
#include <berth/tls.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace net = berth::net;
namespace tls = berth::tls;

static std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s PORT KEY_FILE CERT_FILE\n", argv[0]);
    return 2;
  }
  tls::ServerOptions options;
  options.key = read_file(argv[2]);
  options.cert = read_file(argv[3]);
  options.noDelay = true;  // as every TLS server of the benchmark: see asio_tls_echo.cpp
  auto server = tls::createServer(options, [](const tls::TLSSocketPtr& s) {
    s->on(net::events::data, [s](berth::BufferView b) { s->write(b); });
    s->on(net::events::error, [](const berth::Error&) {});  // a reset peer is not fatal
  });
  server->on(tls::events::tlsClientError, [](const berth::Error&, const tls::TLSSocketPtr&) {});
  server->listen(std::atoi(argv[1]), "127.0.0.1");

  berth::Loop& loop = berth::Loop::current();
  asio::signal_set signals(loop.context(), SIGINT, SIGTERM);
  signals.async_wait([&](const std::error_code&, int) {
    server->close();
    loop.stop();  // connections still open are dropped with the process
  });
  berth::run();
}
