// Spec example "server.address()": a goodbye server on an arbitrary unused port. (A
// client then reads the goodbye and closes the server, so that the scenario ends.)
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& socket) { socket->end("goodbye\n"); });
  server->on(net::events::error, [](const Error& err) {
    // Handle errors here.
    throw err;
  });

  // Grab an arbitrary unused port.
  server->listen([server] {
    line("opened server on", serverAddress(server->address()));
    auto c = net::connect(server->address()->port, "localhost");
    c->on(net::events::data, [](BufferView d) { line("client data", chunk(d)); });
    c->on(net::events::end, [server] { server->close(); });
  });
}
