// ECONNREFUSED: only 'error' then close(true), with Node's fields and message, and the
// socket already closed inside the handler; the same on ::1; for a host name the events
// are lookup, connectionAttempt, connectionAttemptFailed, error, close. (The host name is
// looked up with family 4: localhost is 127.0.0.1 under every ordinary /etc/hosts, while
// with family 0 it can also be ::1, first, which adds a second attempt and an
// AggregateError: a different scenario.)
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto probe = net::createServer();
  probe->listen(0, "127.0.0.1", [probe] {
    int port = probe->address()->port;
    probe->close([port](const Error&) {
      auto a = net::connect(port, "127.0.0.1");
      traceSocket(a, "v4", {"connectionAttempt", "connectionAttemptFailed"});
      a->on(net::events::error, [a] { line("v4 in error", state(*a)); });
      a->on(net::events::close, [port] {
        auto b = net::connect(port, "::1");
        traceSocket(b, "v6", {"connectionAttempt", "connectionAttemptFailed"});
        b->on(net::events::close, [port] {
          auto c = net::connect(net::ConnectOptions{.port = port, .host = "localhost", .family = 4});
          traceSocket(c, "name");
        });
      });
    });
  });
}
