// setNoDelay, setKeepAlive, ref and unref return the socket before connecting, while
// connected and after destroy; the noDelay/keepAlive connect options are accepted.
#include "trace.hpp"

using namespace conf;

static std::string all(net::Socket& s) {
  std::string out;
  for (bool b : {&s.setNoDelay() == &s, &s.setNoDelay(false) == &s, &s.setKeepAlive(true, 1000ms) == &s,
                 &s.setKeepAlive(false) == &s, &s.unref() == &s, &s.ref() == &s})
    out += (out.empty() ? "" : ",") + str(b);
  return out;
}

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) { c->resume(); });
  server->listen(0, "127.0.0.1", [server] {
    auto pre = net::Socket::create();
    line("unconnected", all(*pre));
    auto c = net::connect(net::ConnectOptions{.port = server->address()->port,
                                              .host = "127.0.0.1",
                                              .noDelay = true,
                                              .keepAlive = true,
                                              .keepAliveInitialDelay = 1000ms});
    c->on(net::events::connect, [c, server] {
      line("connected", all(*c));
      c->destroy();
      line("destroyed", all(*c));
      server->close();
    });
  });
}
