// berth's event layer as an echo server with pipe(), Node's own example:
//   net.createServer(s => s.pipe(s))
// usage: berth_pipe_echo PORT   (listens on 127.0.0.1; SIGINT/SIGTERM end it)

#include <asio/signal_set.hpp>
#include <berth/net.hpp>

#include <cstdio>
#include <cstdlib>

namespace net = berth::net;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s PORT\n", argv[0]);
    return 2;
  }
  auto server = net::createServer([](const net::SocketPtr& s) {
    s->pipe(s);
    s->on(net::events::error, [](const berth::Error&) {});  // a reset peer is not fatal
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
