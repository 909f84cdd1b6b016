// setTimeout(60) returns this and sets socket.timeout; 'timeout' fires once after 60 ms
// idle and does not close the socket; it does not repeat. setTimeout(ms, cb) adds cb as
// a once-listener; setTimeout(0, cb) removes it; setTimeout(0) sets timeout to 0.
#include "trace.hpp"

using namespace conf;

static void listeners(net::SocketPtr c, net::ServerPtr server) {
  c->setTimeout(1000ms, [] {});
  c->setTimeout(1000ms, [] {});
  line("listeners after two setTimeout(ms, cb)", c->listenerCount(net::events::timeout));
  auto named = [] {};
  c->setTimeout(1000ms, named);
  line("after a third", c->listenerCount(net::events::timeout));
  c->setTimeout(0ms, named);
  line("after setTimeout(0, cb)", c->listenerCount(net::events::timeout), "timeout=" + str(c->timeout()));
  c->setTimeout(1000ms);
  c->setTimeout(0ms);
  line("after setTimeout(0)", "timeout=" + str(c->timeout()));
  c->destroy();
  server->close();
}

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) {
    c->resume();
    c->on(net::events::error, [] {});
  });
  server->listen(0, "127.0.0.1", [server] {
    auto c = net::connect(server->address()->port, "127.0.0.1");
    line("timeout before", str(c->timeout()));
    auto started = std::chrono::steady_clock::now();
    auto& r = c->setTimeout(60ms);
    line("setTimeout(60) returns this", &r == c.get(), "timeout=" + str(c->timeout()));
    auto count = std::make_shared<int>(0);
    c->on(net::events::timeout, [c, count, started] {
      ++*count;
      bool late = std::chrono::steady_clock::now() - started >= 55ms;
      line("timeout", "after>=55ms=" + str(late) + " destroyed=" + str(c->destroyed()) + " readyState=" + c->readyState());
    });
    setTimeout(
        [c, count, server] {
          line("after 400 ms", "timeouts=" + str(*count), "destroyed=" + str(c->destroyed()));
          listeners(c, server);
        },
        400);
  });
}
