// Spec example "server.listen(options)": exclusive. (Port 0 instead of 80.)
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer();
  server->listen(net::ListenOptions{
      .port = 0,
      .host = "localhost",
      .exclusive = true,
  });
  server->on(net::events::listening, [server] {
    line("listening", serverAddress(server->address()));
    server->close();
  });
}
