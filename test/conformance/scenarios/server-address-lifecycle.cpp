// server.address() and server.listening before listen, while listening, after close.
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer();
  line("before", "address=" + serverAddress(server->address()), "listening=" + str(server->listening()));
  server->listen(0, "127.0.0.1", [server] {
    line("listening", "address=" + serverAddress(server->address()), "listening=" + str(server->listening()));
    server->close([server](const Error&) {
      line("closed", "address=" + serverAddress(server->address()), "listening=" + str(server->listening()));
    });
  });
}
