// Node's test/parallel/test-net-listen-invalid-port.js: a port of 2^32 - 1 makes
// listen({ port }), listen(port, cb) and listen(port, host, cb) throw
// ERR_SOCKET_BAD_PORT (RangeError) synchronously. (Node also checks the internal
// `_connectionKey` of a server listening on port 0: not written, an internal.)
#include "common.hpp"

namespace test_net_listen_invalid_port {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-listen-invalid-port", "[node]") {
  Common common;
  const PortValue invalidPort = 4294967295.0;  // -1 >>> 0

  auto server = net::createServer();
  server->listen(0, [&] {
    REQUIRE(server->address());
    server->close();
  });

  const Expected badPort{.code = "ERR_SOCKET_BAD_PORT", .kind = ErrorKind::RangeError};
  check_throws([&] { net::createServer()->listen(net::ListenOptions{.port = invalidPort}, common.mustNotCall()); },
               badPort);
  check_throws([&] { net::createServer()->listen(invalidPort, common.mustNotCall()); }, badPort);
  check_throws([&] { net::createServer()->listen(invalidPort, "0.0.0.0", common.mustNotCall()); }, badPort);
  common.run();
}

}  // namespace test_net_listen_invalid_port
