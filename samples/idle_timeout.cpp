// The idle timeout of Node's socket.setTimeout() docs: an echo server that ends
// every connection left idle for a while. 'timeout' only reports the idleness;
// ending the socket is the listener's choice.
// Usage: idle_timeout [port [ms]]   (default 8124, 3000 ms)
#include <berth/net.hpp>
#include <chrono>
#include <iostream>
#include <string>

namespace net = berth::net;

int main(int argc, char* argv[]) {
  const std::chrono::milliseconds idle(argc > 2 ? std::stoi(argv[2]) : 3000);
  auto server = net::createServer([idle](const net::SocketPtr& socket) {
    std::cout << "client connected" << std::endl;
    socket->setTimeout(idle);
    socket->on(net::events::timeout, [socket] {
      std::cout << "socket timeout" << std::endl;
      socket->end();
    });
    socket->on(net::events::end, [] { std::cout << "client disconnected" << std::endl; });
    socket->pipe(socket);
  });
  server->listen(argc > 1 ? argv[1] : "8124", [] { std::cout << "server bound" << std::endl; });
  berth::run();
}
