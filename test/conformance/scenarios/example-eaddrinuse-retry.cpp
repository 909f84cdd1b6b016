// Spec example "server.listen()": on EADDRINUSE, wait a second, close and listen again.
// (The port's holder goes away meanwhile, so the retry succeeds.)
#include "trace.hpp"

using namespace conf;

void scenario() {
  const std::string HOST = "127.0.0.1";
  auto holder = net::createServer();
  holder->listen(0, HOST, [holder, HOST] {
    int PORT = holder->address()->port;
    auto server = net::createServer();
    server->on(net::events::error, [server, holder, PORT, HOST](const Error& e) {
      if (e.code == "EADDRINUSE") {
        line("Address in use, retrying...");
        holder->close();
        setTimeout(
            [server, PORT, HOST] {
              server->close();
              server->listen(PORT, HOST);
            },
            1000);
      }
    });
    server->on(net::events::listening, [server, PORT] {
      line("listening on the same port", server->address()->port == PORT);
      server->close();
    });
    server->listen(PORT, HOST);
  });
}
