// destroy() returns this, is synchronous and gives only close(false); destroy(err) gives
// 'error' then close(true) and sets errored; destroying twice closes once; destroy()
// while connecting gives close(false); end() while connecting connects, then finishes.
#include "trace.hpp"

using namespace conf;

static void e(net::ServerPtr server, int port) {
  auto s = net::connect(port, "127.0.0.1");
  traceSocket(s, "E", {"connectionAttempt"});
  s->end("early");
  line("E after end() while connecting", state(*s));
  s->on(net::events::close, [server] { server->close(); });
}

static void d(net::ServerPtr server, int port) {
  auto s = net::connect(port, "127.0.0.1");
  traceSocket(s, "D", {"connectionAttempt"});
  s->destroy();
  line("D after destroy() while connecting", state(*s));
  s->on(net::events::close, [server, port] { e(server, port); });
}

static void c(net::ServerPtr server, int port) {
  auto s = net::connect(port, "127.0.0.1");
  traceSocket(s, "C", {"connectionAttempt"});
  s->on(net::events::connect, [s] {
    s->destroy();
    s->destroy();
    s->destroy(Error("", "second"));
  });
  s->on(net::events::close, [server, port] { setTimeout([server, port] { d(server, port); }, 20); });
}

static void b(net::ServerPtr server, int port) {
  auto s = net::connect(port, "127.0.0.1");
  traceSocket(s, "B", {"connectionAttempt"});
  s->on(net::events::connect, [s] {
    s->destroy(Error("EBOOM", "boom"));
    line("B after destroy(err)", state(*s), "errored=" + (s->errored() ? s->errored()->code : "undefined"));
  });
  s->on(net::events::close, [server, port] { c(server, port); });
}

static void a(net::ServerPtr server, int port) {
  auto s = net::connect(port, "127.0.0.1");
  traceSocket(s, "A", {"connectionAttempt"});
  s->on(net::events::connect, [s] {
    auto& r = s->destroy();
    line("A destroy returns this", &r == s.get(), state(*s));
  });
  s->on(net::events::close, [server, port] { b(server, port); });
}

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) {
    c->on(net::events::error, [] {});
    c->resume();
  });
  server->listen(0, "127.0.0.1", [server] { a(server, server->address()->port); });
}
