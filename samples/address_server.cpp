// The server.address() example of Node's docs: says goodbye to every client, on a
// port the OS picks.
// Usage: address_server [port]   (default 0: an arbitrary unused port)
#include <berth/net.hpp>
#include <iostream>

namespace net = berth::net;

int main(int argc, char* argv[]) {
  auto server = net::createServer([](const net::SocketPtr& socket) { socket->end("goodbye\n"); });
  server->on(net::events::error, [](const berth::Error& err) {
    // Handle errors here.
    throw err;
  });
  // Grab an arbitrary unused port.
  server->listen(argc > 1 ? argv[1] : "0", [&server] {
    auto a = server->address();
    std::cout << "opened server on { address: '" << a->address << "', family: '" << a->family
              << "', port: " << a->port << " }" << std::endl;
  });
  berth::run();
}
