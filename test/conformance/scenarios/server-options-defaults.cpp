// createServer() option defaults and stored values; createServer('x') is rejected;
// listen/close/ref/unref return the server.
#include "trace.hpp"

using namespace conf;

template <class Arg>
constexpr bool creates_from = requires(Arg a) { net::createServer(a); };

static std::string seconds(milliseconds ms) { return std::to_string(ms.count() / 1000); }

void scenario() {
  auto d = net::createServer();
  const auto& a = d->options();
  line("defaults",
       "allowHalfOpen=" + str(a.allowHalfOpen) + " pauseOnConnect=" + str(a.pauseOnConnect) +
           " noDelay=" + str(a.noDelay),
       "keepAlive=" + str(a.keepAlive) + " keepAliveInitialDelay=" + seconds(a.keepAliveInitialDelay) +
           " highWaterMark=" + str(a.highWaterMark),
       "maxConnections=" + str(d->maxConnections));
  auto o = net::createServer(net::ServerOptions{.allowHalfOpen = true,
                                                .pauseOnConnect = true,
                                                .noDelay = true,
                                                .keepAlive = true,
                                                .keepAliveInitialDelay = 3000ms,
                                                .highWaterMark = 1024});
  const auto& b = o->options();
  line("given",
       "allowHalfOpen=" + str(b.allowHalfOpen) + " pauseOnConnect=" + str(b.pauseOnConnect) +
           " noDelay=" + str(b.noDelay),
       "keepAlive=" + str(b.keepAlive) + " keepAliveInitialDelay=" + seconds(b.keepAliveInitialDelay) +
           " highWaterMark=" + str(b.highWaterMark));
  rejects("createServer(\"x\")", "ERR_INVALID_ARG_TYPE", creates_from<const char*>);
  auto s = net::Server::create();
  bool unrefReturns = &s->unref() == s.get();  // in this order: unref, then ref
  bool refReturns = &s->ref() == s.get();
  line("unref returns server", unrefReturns, "ref returns server", refReturns);
  auto& l = s->listen(0, "127.0.0.1", [s] { line("close returns server", &s->close() == s.get()); });
  line("listen returns server", &l == s.get());
}
