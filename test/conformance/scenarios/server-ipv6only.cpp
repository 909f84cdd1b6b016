// ipv6Only on '::' leaves the IPv4 side of the port free; without it '::' is dual-stack
// and an IPv4 bind of the same port fails. exclusive:true listens as usual.
#include "trace.hpp"

using namespace conf;

static void exclusive() {
  auto x = net::createServer();
  x->listen(net::ListenOptions{.port = 0, .host = "127.0.0.1", .exclusive = true}, [x] {
    line("exclusive listening=" + str(x->listening()));
    x->close();
  });
}

static void dualStack() {
  auto d = net::createServer();
  d->listen(net::ListenOptions{.port = 0, .host = "::"}, [d] {
    auto v4 = net::createServer();
    v4->on(net::events::error, [d, v4](const Error& e) {
      line("v4 beside dual-stack", err(e));
      d->close([](const Error&) { exclusive(); });
    });
    v4->listen(d->address()->port, "0.0.0.0");
  });
}

void scenario() {
  auto v6 = net::createServer([](const net::SocketPtr& c) {
    line("v6 server got a connection");
    c->destroy();
  });
  v6->listen(net::ListenOptions{.port = 0, .host = "::", .ipv6Only = true}, [v6] {
    line("v6 address=" + serverAddress(v6->address()));
    auto v4 = net::createServer([](const net::SocketPtr& c) {
      line("v4 server got a connection");
      c->destroy();
    });
    v4->listen(v6->address()->port, "0.0.0.0", [v4, v6] {
      line("v4 on the same port ok");
      auto c = net::connect(v6->address()->port, "127.0.0.1");
      c->resume();
      c->on(net::events::close, [v4, v6] {
        v4->close();
        v6->close([](const Error&) { dualStack(); });
      });
    });
  });
}
