// listen({signal}): aborting closes the server ('close', no 'error'); a signal aborted
// before listen() gives only 'close'. A signal of another type is rejected.
#include "trace.hpp"

using namespace conf;

template <class Options>
constexpr bool signal_accepts_int = requires { Options{.signal = 1}; };

static void preAborted() {
  auto b = net::createServer();
  traceServer(b, "b");
  b->listen(net::ListenOptions{.port = 0, .host = "127.0.0.1", .signal = berth::AbortSignal::abort()},
            [] { line("b listen callback"); });
  line("b sync listening=" + str(b->listening()));
}

void scenario() {
  rejects("listen({signal:1})", "ERR_INVALID_ARG_TYPE", signal_accepts_int<net::ListenOptions>);

  auto ac = std::make_shared<berth::AbortController>();
  auto a = net::createServer();
  traceServer(a, "a");
  a->listen(net::ListenOptions{.port = 0, .host = "127.0.0.1", .signal = ac->signal()}, [a, ac] {
    ac->abort();
    line("a after abort listening=" + str(a->listening()));
  });
  a->on(net::events::close, [] { preAborted(); });
}
