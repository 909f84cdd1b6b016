// A TLS echo client in the event style, Node's tls.connect() example, for tls_echo_server:
//   tls_echo_client PORT CA_FILE [TEXT [HOST]]     (TEXT "hello", HOST "localhost")
// Connects, checks the server's certificate against CA_FILE (for a self-signed server,
// its own certificate) and the name HOST, sends TEXT and a newline, prints what comes
// back (the server's "welcome!" and the echo), and ends once the echo is in.
// With SSLKEYLOGFILE set, it appends the connection's secrets there ('keylog' events,
// NSS key log format), so that Wireshark can decrypt a capture, as node --tls-keylog.
#include <berth/net.hpp>
#include <berth/tls.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace net = berth::net;
namespace tls = berth::tls;

static std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot read ") + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int main(int argc, char* argv[]) try {
  if (argc < 3 || argc > 5) {
    std::cerr << "usage: tls_echo_client PORT CA_FILE [TEXT [HOST]]" << std::endl;
    return 2;
  }
  const std::string text = argc > 3 ? argv[3] : "hello";
  tls::ConnectionOptions options;
  options.port = argv[1];
  options.host = argc > 4 ? argv[4] : "localhost";
  options.ca = {read_file(argv[2])};
  tls::TLSSocketPtr socket;
  socket = tls::connect(options, [&] {
    // 'secureConnect': the handshake is done and the server verified.
    std::cout << "client connected " << (socket->authorized() ? "authorized" : "unauthorized") << " "
              << socket->getProtocol() << " " << socket->getCipher().name << std::endl;
    socket->write(text + "\n");
  });
  if (const char* path = std::getenv("SSLKEYLOGFILE")) {
    auto log = std::make_shared<std::ofstream>(path, std::ios::app);
    socket->on(tls::events::keylog, [log](berth::BufferView line) { log->write(reinterpret_cast<const char*>(line.data()), static_cast<std::streamsize>(line.size())) << std::flush; });
  }
  socket->setEncoding("utf8");
  auto received = std::make_shared<std::string>();
  socket->on(net::events::data, [&, received](berth::BufferView data) {
    std::cout << data.toString() << std::flush;
    *received += data.toString();
    if (received->find(text + "\n") != std::string::npos) socket->end();  // the echo is in
  });
  socket->on(net::events::end, [] { std::cout << "server ends connection" << std::endl; });
  socket->on(berth::events::error, [](const berth::Error& error) { std::cerr << error << std::endl; });
  berth::run();
} catch (const std::exception& error) {
  std::cerr << error.what() << std::endl;
  return 1;
}
