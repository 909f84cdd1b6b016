// Node's test/parallel/test-net-allow-half-open.js: a client without allowHalfOpen
// that receives the server's FIN ends its own side properly ('end', then 'finish',
// then 'close'), and is not destroyed at 'end' nor at 'finish'; also when it called
// end() itself first.
#include "common.hpp"

namespace test_net_allow_half_open {
using namespace berth;
using namespace berth::node_test;

// `socket.allowHalfOpen`: nullopt while berth's Socket has no such property.
template <class S>
std::optional<bool> allowHalfOpen(const S& socket) {
  if constexpr (requires { socket.allowHalfOpen(); }) return socket.allowHalfOpen();
  else return std::nullopt;
}

TEST_CASE("test-net-allow-half-open", "[node]") {
  SECTION("server ends first") {
    Common common;
    net::ServerPtr server;
    server = net::createServer(common.mustCall([](const net::SocketPtr& socket) {
      socket->end(Buffer::alloc(1024));
    }));
    server->listen(0, common.mustCall([&] {
      auto socket = net::connect(server->address()->port);
      CHECK(allowHalfOpen(*socket) == std::optional<bool>(false));
      socket->resume();
      socket->on(net::events::end, common.mustCall([&, socket] {
        Loop::current().nextTick([&, socket] {
          // Not destroyed straight away without a proper shutdown.
          CHECK_FALSE(socket->destroyed());
          server->close();
        });
      }));
      socket->on(net::events::finish, common.mustCall([socket] { CHECK_FALSE(socket->destroyed()); }));
      socket->on(net::events::close, common.mustCall());
    }));
    common.run();
  }
  SECTION("client ends too") {
    Common common;
    net::ServerPtr server;
    server = net::createServer(common.mustCall([](const net::SocketPtr& socket) {
      socket->end(Buffer::alloc(1024));
    }));
    server->listen(0, common.mustCall([&] {
      auto socket = net::connect(server->address()->port);
      CHECK(allowHalfOpen(*socket) == std::optional<bool>(false));
      socket->resume();
      socket->on(net::events::end, common.mustCall([socket] { CHECK_FALSE(socket->destroyed()); }));
      socket->end("asd");
      socket->on(net::events::finish, common.mustCall([socket] { CHECK_FALSE(socket->destroyed()); }));
      socket->on(net::events::close, common.mustCall([&] { server->close(); }));
    }));
    common.run();
  }
}

}  // namespace test_net_allow_half_open
