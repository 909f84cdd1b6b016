// The echo server of Node's net.createServer() docs: greets each client, then echoes it.
// Usage: echo_server [port]   (default 8124; try `nc localhost 8124` or echo_client)
#include <berth/net.hpp>
#include <iostream>

namespace net = berth::net;

int main(int argc, char* argv[]) {
  auto server = net::createServer([](const net::SocketPtr& c) {
    std::cout << "client connected" << std::endl;
    c->on(net::events::end, [] { std::cout << "client disconnected" << std::endl; });
    c->write("hello\r\n");
    c->pipe(c);
  });
  // No 'error' listener: an error (EADDRINUSE...) is thrown out of run(), as Node throws it.
  server->listen(argc > 1 ? argv[1] : "8124", [] { std::cout << "server bound" << std::endl; });
  berth::run();
}
