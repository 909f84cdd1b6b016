// A TLS echo server in the event style, Node's tls.createServer() example:
//   tls_echo_server PORT KEY_FILE CERT_FILE
// Try it with `openssl s_client -connect localhost:PORT` (add -CAfile for a CA-signed
// certificate) or `node -e "require('tls').connect(PORT, {rejectUnauthorized: false}).pipe(process.stdout)"`.
#include <berth/net.hpp>
#include <berth/tls.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

namespace net = berth::net;
namespace tls = berth::tls;

static std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot read ") + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int main(int argc, char* argv[]) {
  if (argc != 4) {
    std::cerr << "usage: tls_echo_server PORT KEY_FILE CERT_FILE" << std::endl;
    return 2;
  }
  tls::ServerOptions options;
  options.key = read_file(argv[2]);
  options.cert = read_file(argv[3]);
  auto server = tls::createServer(options, [](const tls::TLSSocketPtr& socket) {
    std::cout << "client connected " << (socket->authorized() ? "authorized" : "unauthorized") << " "
              << socket->getProtocol() << std::endl;
    socket->on(net::events::end, [] { std::cout << "client disconnected" << std::endl; });
    socket->write("welcome!\n");
    socket->setEncoding("utf8");
    socket->pipe(socket);
  });
  server->on(tls::events::tlsClientError, [](const berth::Error& error, const tls::TLSSocketPtr&) {
    std::cerr << "tlsClientError: " << error.code << std::endl;
  });
  server->listen(argv[1], [] { std::cout << "server bound" << std::endl; });
  berth::run();
}
