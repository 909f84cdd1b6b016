// A minimal HTTPS responder on berth::tls: answers every request with "hello world".
//   https_hello PORT KEY_FILE CERT_FILE
//   curl --cacert CA_FILE https://localhost:PORT/
// It reads up to the end of the request head, answers, and ends the connection
// (Connection: close), which is all curl needs.
#include <berth/net.hpp>
#include <berth/tls.hpp>
#include <fstream>
#include <iostream>
#include <memory>
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
    std::cerr << "usage: https_hello PORT KEY_FILE CERT_FILE" << std::endl;
    return 2;
  }
  tls::ServerOptions options;
  options.key = read_file(argv[2]);
  options.cert = read_file(argv[3]);
  options.ALPNProtocols = {"http/1.1"};
  auto server = tls::createServer(options, [](const tls::TLSSocketPtr& socket) {
    auto head = std::make_shared<std::string>();
    std::weak_ptr<tls::TLSSocket> weak = socket;
    socket->on(net::events::data, [head, weak](berth::BufferView chunk) {
      auto s = weak.lock();
      if (!s || s->writableEnded()) return;
      head->append(std::string_view(chunk));
      if (head->find("\r\n\r\n") == std::string::npos) {
        if (head->size() > 16 * 1024) s->destroy();  // no end of head in 16 KiB: not HTTP
        return;
      }
      const std::string body = "hello world\n";
      s->end("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
             "\r\nConnection: close\r\n\r\n" + body);
    });
  });
  server->on(tls::events::tlsClientError, [](const berth::Error& error, const tls::TLSSocketPtr&) {
    std::cerr << "tlsClientError: " << error.code << std::endl;
  });
  server->listen(argv[1], [server] { std::cout << "listening on port " << server->address()->port << std::endl; });
  berth::run();
}
