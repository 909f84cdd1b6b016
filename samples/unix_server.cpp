// The echo server of Node's net.createServer() docs on a Unix domain socket.
// Usage: unix_server [path]   (default /tmp/echo.sock; try `nc -U /tmp/echo.sock`)
#include <asio/signal_set.hpp>
#include <berth/net.hpp>
#include <csignal>
#include <iostream>

namespace net = berth::net;

int main(int argc, char* argv[]) {
  auto server = net::createServer([](const net::SocketPtr& c) {
    std::cout << "client connected" << std::endl;
    c->on(net::events::end, [] { std::cout << "client disconnected" << std::endl; });
    c->write("hello\r\n");
    c->pipe(c);
  });
  server->listen(argc > 1 ? argv[1] : "/tmp/echo.sock", [] { std::cout << "server bound" << std::endl; });

  // Close on Ctrl+C rather than die: closing removes the socket file, so the next
  // run can bind the path again.
  asio::signal_set signals(berth::Loop::current().context(), SIGINT, SIGTERM);
  signals.async_wait([&server](std::error_code ec, int) {
    if (!ec) server->close([](const berth::Error&) { std::cout << "server closed" << std::endl; });
  });
  berth::run();
}
