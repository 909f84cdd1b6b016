// An AbortSignal aborted after connecting destroys the socket with an AbortError
// (code ABORT_ERR), then close(true).
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) { c->resume(); });
  server->listen(0, "127.0.0.1", [server] {
    auto ac = std::make_shared<berth::AbortController>();
    auto c = net::connect(
        net::ConnectOptions{.port = server->address()->port, .host = "127.0.0.1", .signal = ac->signal()});
    traceSocket(c, "C", {"connectionAttempt"});
    c->on(net::events::connect, [ac] { ac->abort(); });
    c->on(net::events::close, [server] { server->close(); });
  });
}
