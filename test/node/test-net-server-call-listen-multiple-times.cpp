// Node's test/parallel/test-net-server-call-listen-multiple-times.js: after an 'error'
// (EADDRINUSE) a server can listen again at once; listen() on a server already
// listening throws ERR_SERVER_ALREADY_LISTEN; after close() a server can listen again.
#include "common.hpp"

namespace test_net_server_call_listen_multiple_times {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-server-call-listen-multiple-times", "[node]") {
  Common common;

  // First: after the error event you can listen right away.
  auto dummyServer = net::createServer();
  auto server1 = net::createServer();
  dummyServer->listen(common.mustCall([&] { server1->listen(dummyServer->address()->port); }));
  server1->on(net::events::error, common.mustCall([&](const Error&) {
    server1->listen(common.mustCall([&] {
      dummyServer->close();
      server1->close();
    }));
  }));

  // Second: a second listen() call throws.
  auto server2 = net::createServer();
  server2->listen(common.mustCall([&] { server2->close(); }));
  check_throws([&] { server2->listen(); }, {.code = "ERR_SERVER_ALREADY_LISTEN", .kind = ErrorKind::Error});

  // Third: after close() listen works again.
  auto server3 = net::createServer();
  server3->listen(common.mustCall([&] {
    server3->close();
    server3->listen(common.mustCall([&] { server3->close(); }));
  }));

  common.run();
}

}  // namespace test_net_server_call_listen_multiple_times
