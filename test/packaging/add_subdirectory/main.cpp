// Listens on 127.0.0.1 (port 0), connects, and echoes a few bytes back with
// berth's coroutine core.
#include <asio/co_spawn.hpp>
#include <berth/berth.hpp>
#include <cstring>
#include <iostream>
#include <stdexcept>

#ifndef ASIO_STANDALONE
#error "berth::berth should carry Asio's compile definitions"
#endif

asio::awaitable<void> ping(berth::Acceptor& acceptor) {
  berth::ConnectOptions options;
  options.host = "127.0.0.1";
  options.port = acceptor.address()->port;
  berth::Stream client = co_await berth::connect(options);
  berth::Stream server = co_await acceptor.accept();
  co_await client.write(asio::buffer("ping", 4));
  char data[4];
  co_await server.read_exactly(asio::buffer(data));
  co_await server.write(asio::buffer(data));
  co_await client.read_exactly(asio::buffer(data));
  if (std::memcmp(data, "ping", 4) != 0) throw std::runtime_error("the echo differs");
  acceptor.close();
}

int main() {
  berth::Loop loop;
  berth::Acceptor acceptor(loop.get_executor());
  berth::ListenOptions listen;
  listen.host = "127.0.0.1";
  acceptor.listen(listen);
  bool echoed = false;
  asio::co_spawn(loop.get_executor(), ping(acceptor), [&](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
    echoed = true;
  });
  loop.run();
  std::cout << (echoed ? "echoed 4 bytes through berth\n" : "no echo\n");
  return echoed ? 0 : 1;
}
