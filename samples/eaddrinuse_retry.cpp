// The EADDRINUSE retry loop of Node's server.listen() docs, with a bounded number of
// retries. Start it on a port already taken (e.g. by echo_server), then free the port.
// Usage: eaddrinuse_retry [port [host]]   (default 8124 on all interfaces)
#include <asio/steady_timer.hpp>
#include <berth/net.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

namespace net = berth::net;
using namespace std::chrono_literals;

// Node's setTimeout(). berth::run() waits only for ref'd handles and a bare asio
// timer is not one, so a HandleRef keeps the loop alive while the timer is pending.
template <class F>
void setTimeout(F callback, std::chrono::milliseconds delay) {
  auto& loop = berth::Loop::current();
  auto timer = std::make_shared<asio::steady_timer>(loop.context(), delay);
  auto ref = std::make_shared<berth::HandleRef>(loop.get_executor());
  ref->activate();
  timer->async_wait([timer, ref, callback = std::move(callback)](std::error_code) { callback(); });
}

int main(int argc, char* argv[]) {
  const std::string port = argc > 1 ? argv[1] : "8124";
  const std::optional<std::string> host = argc > 2 ? std::optional<std::string>(argv[2]) : std::nullopt;
  int retries = 5;
  int status = 0;

  auto server = net::createServer([](const net::SocketPtr& socket) { socket->end("hello\n"); });
  auto listen = [&] { host ? server->listen(port, *host) : server->listen(port); };
  server->on(net::events::listening, [&] {
    std::cout << "server bound on port " << server->address()->port << std::endl;
  });
  server->on(net::events::error, [&](const berth::Error& e) {
    if (e.code != "EADDRINUSE") throw e;
    if (retries-- == 0) {
      std::cout << e.message << ", giving up" << std::endl;
      status = 1;
      return;
    }
    std::cout << "Address in use, retrying..." << std::endl;
    setTimeout([&] {
      server->close();
      listen();
    }, 1s);
  });
  listen();
  berth::run();
  return status;
}
