// Node's test/parallel/test-net-socket-timeout.js: setTimeout() with a negative,
// infinite or NaN delay throws ERR_OUT_OF_RANGE, with 0, 0.001, 1 or 1e6 it does not,
// with true or false it throws ERR_INVALID_ARG_TYPE; on a connected socket that sees no
// data a 1 ms timeout fires once and setTimeout() on the destroyed socket returns the
// socket and never fires. Node's other non-numeric delays ('100', {}, null, ...) and
// non-function callbacks are JavaScript type errors C++ rules out; so are booleans if
// berth deletes that overload (C++ would otherwise take true as 1 ms).
#include <cmath>
#include <limits>

#include "common.hpp"

namespace test_net_socket_timeout {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-socket-timeout", "[node]") {
  Common common;
  auto s = net::Socket::create();
  [&](auto& socket) {
    if constexpr (requires { socket.setTimeout(true, [] {}); }) {
      for (bool delay : {true, false}) {
        INFO("delay " << delay);
        check_throws([&] { socket.setTimeout(delay, [] {}); }, {.code = "ERR_INVALID_ARG_TYPE"});
      }
    }
  }(*s);

  const double inf = std::numeric_limits<double>::infinity();
  for (double delay : {-0.001, -1.0, -inf, inf, std::nan("")}) {
    INFO("delay " << delay);
    check_throws([&] { s->setTimeout(delay, [] {}); }, {.code = "ERR_OUT_OF_RANGE"});
  }
  for (double delay : {0.0, 0.001, 1.0, 1e6}) s->setTimeout(delay, [] {});
  s->setTimeout(0.0);
  s->destroy();

  auto server = net::createServer();
  net::SocketPtr socket;
  server->listen(0, common.mustCall([&] {
    socket = net::createConnection(server->address()->port);
    net::Socket& returned = socket->setTimeout(1.0, common.mustCall([&] {
      socket->destroy();
      CHECK(&socket->setTimeout(1.0, common.mustNotCall()) == socket.get());
      server->close();
    }));
    CHECK(&returned == socket.get());
  }));
  common.run();
  socket.reset();
}

}  // namespace test_net_socket_timeout
