// The coroutine echo server: every connection gets its bytes back.
// Usage: coro_echo_server [port]   (default 8124; 0 lets the OS pick one)
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <berth/berth.hpp>
#include <iostream>

asio::awaitable<void> echo(berth::Stream stream) {
  char data[4096];
  while (std::size_t n = co_await stream.read_some(asio::buffer(data)))
    co_await stream.write(asio::buffer(data, n));
}

asio::awaitable<void> serve(berth::Acceptor acceptor) {
  for (;;) {
    berth::Stream stream = co_await acceptor.accept();
    asio::co_spawn(stream.get_executor(), echo(std::move(stream)), asio::detached);
  }
}

int main(int argc, char* argv[]) {
  berth::Loop loop;
  berth::Acceptor acceptor(loop.get_executor());
  acceptor.listen({.port = berth::validate_port(argc > 1 ? argv[1] : "8124")});  // all interfaces, like Node
  std::cout << "echo server listening on port " << acceptor.address()->port << std::endl;
  asio::co_spawn(loop.get_executor(), serve(std::move(acceptor)), asio::detached);
  loop.run();
}
