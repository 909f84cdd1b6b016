// Node's test/parallel/test-net-write-after-end-nt.js: a write after the peer ended
// (allowHalfOpen false) returns false and calls back with EPIPE "This socket has been
// ended by the other party"; the 'error' event comes on a later tick, not during
// write().
#include "common.hpp"

namespace test_net_write_after_end_nt {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-write-after-end-nt", "[node]") {
  Common common;
  net::ServerPtr server = net::createServer(common.mustCall([](const net::SocketPtr& socket) { socket->end(); }));
  net::SocketPtr client;
  server->listen([&] {
    client = net::connect(server->address()->port, "localhost", [&] {
      auto hasError = std::make_shared<bool>(false);
      client->on(net::events::error, common.mustCall([&, hasError](const Error&) {
        *hasError = true;
        server->close();
      }));
      client->on(net::events::end, common.mustCall([&, hasError] {
        const bool ret = client->write(
            "hello", common.expectsError({.code = "EPIPE",
                                          .message = "This socket has been ended by the other party",
                                          .kind = ErrorKind::Error}));
        CHECK_FALSE(ret);
        INFO("The error should be emitted in the next tick.");
        CHECK_FALSE(*hasError);
      }));
      client->end();
    });
  });
  common.run();
  client.reset();
}

}  // namespace test_net_write_after_end_nt
