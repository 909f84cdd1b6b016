// Node's test/parallel/test-net-server-listen-options-signal.js: a server listening
// with an AbortSignal closes (a 'close' event) when the signal aborts, and at once when
// it was already aborted. Node's first check, a signal that is not an AbortSignal
// ('INVALID_SIGNAL', ERR_INVALID_ARG_TYPE), is a JavaScript type error C++ rules out.
#include "common.hpp"

namespace test_net_server_listen_options_signal {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-server-listen-options-signal", "[node]") {
  Common common;
  {
    // Test close.
    auto server = net::createServer();
    AbortController controller;
    server->on(net::events::close, common.mustCall());
    server->listen({.port = 0, .signal = controller.signal()});
    controller.abort();
  }
  {
    // Test close with pre-aborted signal.
    auto server = net::createServer();
    auto signal = AbortSignal::abort();
    server->on(net::events::close, common.mustCall());
    server->listen({.port = 0, .signal = signal});
  }
  common.run();
}

}  // namespace test_net_server_listen_options_signal
