// A client written as a coroutine over an event-layer socket: it awaits 'connect' (with a
// 3 s limit, through asio::experimental::awaitable_operators), sends each argument as a
// line, reads the replies and ends. Pairs with coro_event_server.
//   coro_event_client port [lines...]
#include <asio/co_spawn.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <berth/net.hpp>
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

namespace net = berth::net;
using namespace asio::experimental::awaitable_operators;
using namespace std::chrono_literals;

asio::awaitable<void> talk(int port, std::vector<std::string> lines) {
  auto socket = net::createConnection(port, "127.0.0.1");
  asio::steady_timer limit(co_await asio::this_coro::executor, 3s);
  auto first = co_await (berth::once(socket, net::events::connect) || limit.async_wait(asio::use_awaitable));
  if (first.index() == 1) throw std::runtime_error("no connection within 3 s");

  for (const std::string& line : lines) co_await net::async_write(socket, line + "\n");
  socket->end();  // the server answers what it got, then sees the end and ends too
  net::SocketReader reader(socket);
  while (auto chunk = co_await reader.read()) std::cout << chunk->toString() << std::flush;
}

int main(int argc, char* argv[]) {
  if (argc < 2) {
    std::cerr << "usage: coro_event_client port [lines...]\n";
    return 2;
  }
  int status = 0;
  asio::co_spawn(berth::Loop::current().get_executor(), talk(std::stoi(argv[1]), {argv + 2, argv + argc}),
                 [&](std::exception_ptr e) {
                   try {
                     if (e) std::rethrow_exception(e);
                   } catch (const std::exception& error) {
                     std::cerr << "coro_event_client: " << error.what() << '\n';
                     status = 1;
                   }
                 });
  berth::run();
  return status;
}
