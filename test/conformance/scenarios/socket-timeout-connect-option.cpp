// createConnection({timeout}) sets socket.timeout; 'timeout' fires even while the lookup
// is pending and does not destroy; destroy() clears the timer; a socket that never
// connects still times out. (Socket timers do not keep the process alive: plain
// timers do, while the scenario waits.)
#include "trace.hpp"

using namespace conf;

// A lookup that never answers.
static void silent(const std::string&, const berth::LookupOptions&, berth::LookupCallback) {}

static void unconnected() {
  auto n = net::Socket::create();
  n->setTimeout(40ms);
  n->on(net::events::timeout, [n] { line("never-connected socket timeout", "pending=" + str(n->pending())); });
  setTimeout([] { line("done"); }, 150);
}

static void cleared() {
  auto d = net::connect(net::ConnectOptions{.port = 80, .host = "never.invalid", .lookup = silent});
  auto fired = std::make_shared<bool>(false);
  d->setTimeout(30ms, [fired] { *fired = true; });
  d->destroy();
  setTimeout(
      [d, fired] {
        line("fired after destroy", *fired, "timeout=" + str(d->timeout()));
        unconnected();
      },
      100);
}

void scenario() {
  auto c = net::connect(net::ConnectOptions{.port = 80, .host = "never.invalid", .lookup = silent, .timeout = 50ms});
  line("timeout from option", str(c->timeout()));
  setTimeout([] {}, 150);
  traceSocket(c, "pending");
  c->on(net::events::timeout, [c] {
    line("pending in timeout", "destroyed=" + str(c->destroyed()) + " connecting=" + str(c->connecting()));
    c->destroy();
  });
  c->on(net::events::close, [] { cleared(); });
}
