// IPv6: a ::1 client and server see ::1/IPv6; a dual-stack '::' server sees an IPv4
// client as ::ffff:127.0.0.1 (IPv6), and that is its local address too.
#include "trace.hpp"

using namespace conf;

static void dualStack() {
  auto sd = net::createServer([](const net::SocketPtr& c) {
    line("dual-server", str(c->remoteAddress()), str(c->remoteFamily()), str(c->localAddress()),
         str(c->localFamily()));
    c->end();
  });
  sd->listen([sd] {
    auto c = net::connect(sd->address()->port, "127.0.0.1");
    c->on(net::events::connect, [c] {
      line("dual-client", str(c->remoteAddress()), str(c->remoteFamily()), str(c->localAddress()),
           str(c->localFamily()));
    });
    c->resume();
    c->on(net::events::close, [sd] { sd->close(); });
  });
}

void scenario() {
  auto s6 = net::createServer([](const net::SocketPtr& c) {
    line("v6-server", str(c->remoteAddress()), str(c->remoteFamily()), str(c->localAddress()));
    c->end();
  });
  s6->listen(0, "::1", [s6] {
    auto c = net::connect(s6->address()->port, "::1");
    c->on(net::events::connect, [c] {
      line("v6-client", str(c->remoteAddress()), str(c->remoteFamily()), str(c->localAddress()),
           str(c->localFamily()));
    });
    c->resume();
    c->on(net::events::close, [s6] { s6->close([](const Error&) { dualStack(); }); });
  });
}
