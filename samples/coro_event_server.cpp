// A line server written as coroutines over event-layer sockets: net::createServer accepts,
// a coroutine per connection reads it (net::SocketReader: paused while it does not ask,
// so a fast client cannot flood the server), answers each line with its length, awaits
// each write (net::async_write completes once the kernel has the bytes), and Node's idle
// timeout closes a connection that stays silent for 10 s.
//   coro_event_server [port]      then: printf 'hello\nworld\n' | nc 127.0.0.1 <port>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <berth/net.hpp>
#include <chrono>
#include <iostream>
#include <string>

namespace net = berth::net;
using namespace std::chrono_literals;

asio::awaitable<void> serve(net::SocketPtr socket) {
  socket->setTimeout(10s, [socket] { socket->end("idle for 10 s: bye\n"); });
  net::SocketReader reader(socket);
  std::string pending;  // a line that has not ended yet
  berth::Error error;
  while (auto chunk = co_await reader.read(error)) {
    pending += chunk->toString();
    for (std::size_t at; (at = pending.find('\n')) != std::string::npos; pending.erase(0, at + 1)) {
      std::string line = pending.substr(0, at);
      co_await net::async_write(socket, std::to_string(line.size()) + " " + line + "\n");
    }
  }
  if (error) std::cerr << "connection: " << error << '\n';
}

int main(int argc, char* argv[]) {
  auto server = net::createServer([](const net::SocketPtr& socket) {
    asio::co_spawn(berth::Loop::current().get_executor(), serve(socket), [](std::exception_ptr e) {
      try {
        if (e) std::rethrow_exception(e);
      } catch (const berth::Error& error) {
        std::cerr << "connection: " << error << '\n';  // a write that failed
      }
    });
  });
  server->listen(argc > 1 ? argv[1] : "0", "127.0.0.1", [&] {
    std::cout << "line server listening on port " << server->address()->port << std::endl;
  });
  berth::run();
}
