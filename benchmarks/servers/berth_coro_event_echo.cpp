// berth's event layer read and written from a coroutine (net::SocketReader and
// net::async_write): every chunk read is written back, the next read waiting for the write.
//   net.createServer(async s => { for await (const b of s) await write(s, b) })
// usage: berth_coro_event_echo PORT   (listens on 127.0.0.1; SIGINT/SIGTERM end it)

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/signal_set.hpp>
#include <berth/net.hpp>

#include <cstdio>
#include <cstdlib>

namespace net = berth::net;

asio::awaitable<void> echo(net::SocketPtr socket) {
  net::SocketReader reader(socket);
  berth::Error error;  // a reset peer ends the loop; it is not fatal
  while (auto chunk = co_await reader.read_view(error)) {
    try {
      co_await net::async_write(socket, *chunk);
    } catch (const berth::Error&) {
      break;
    }
  }
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s PORT\n", argv[0]);
    return 2;
  }
  auto server = net::createServer([](const net::SocketPtr& s) {
    asio::co_spawn(berth::Loop::current().get_executor(), echo(s), asio::detached);
  });
  server->listen(std::atoi(argv[1]), "127.0.0.1");

  berth::Loop& loop = berth::Loop::current();
  asio::signal_set signals(loop.context(), SIGINT, SIGTERM);
  signals.async_wait([&](const std::error_code&, int) {
    server->close();
    loop.stop();  // connections still open are dropped with the process
  });
  berth::run();
}
