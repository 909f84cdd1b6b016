// Node's test/parallel/test-net-listen-close-server-callback-is-not-function.js:
// close() right after listen() emits 'close' and never runs the listen callback
// nor 'connection'. Node passes close() a string instead of a callback, which it
// ignores; C++'s std::function parameter cannot take one, so close() gets none.
#include "common.hpp"

namespace test_net_listen_close_server_callback_is_not_function {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-listen-close-server-callback-is-not-function", "[node]") {
  Common common;
  auto server = net::createServer(common.mustNotCall());
  server->on(net::events::close, common.mustCall());
  server->listen(0, common.mustNotCall());
  server->close();
  common.run();
}

}  // namespace test_net_listen_close_server_callback_is_not_function
