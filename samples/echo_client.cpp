// The client of Node's net.createConnection() docs, for the echo server.
// Usage: echo_client [port [host]]   (default 8124 on localhost)
#include <berth/net.hpp>
#include <iostream>

namespace net = berth::net;

int main(int argc, char* argv[]) {
  net::ConnectOptions options;
  options.port = argc > 1 ? argv[1] : "8124";
  if (argc > 2) options.host = argv[2];
  net::SocketPtr client;
  client = net::createConnection(options, [&client] {
    // 'connect' listener.
    std::cout << "connected to server!" << std::endl;
    client->write("world!\r\n");
  });
  client->on(net::events::data, [&client](berth::BufferView data) {
    std::cout << data.toString() << std::endl;
    client->end();
  });
  client->on(net::events::end, [] { std::cout << "disconnected from server" << std::endl; });
  berth::run();
}
