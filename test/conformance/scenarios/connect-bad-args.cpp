// connect()'s synchronous argument errors (port, missing options, host, localAddress,
// family, lookup, timeout, fd) and setTimeout()'s. A connect that does not throw is
// destroyed at once.
#include <limits>

#include "trace.hpp"

using namespace conf;

template <class... A>
constexpr bool connects_with = requires(A... a) { net::connect(a...); };
template <class Options>
constexpr bool host_takes_int = requires { Options{.host = 123}; };
template <class Options>
constexpr bool lookup_takes_int = requires { Options{.lookup = 1}; };
template <class T>
constexpr bool timeout_takes = requires(net::Socket& s, T v) { s.setTimeout(v); };

void scenario() {
  using Options = net::ConnectOptions;
  attempt("connect(-1)", [] { net::connect(-1)->destroy(); });
  attempt("connect(65536)", [] { net::connect(65536)->destroy(); });
  attempt("connect({port:1.5})", [] { net::connect(Options{.port = 1.5})->destroy(); });
  attempt("connect({port:\"abc\"})", [] { net::connect(Options{.port = "abc"})->destroy(); });
  attempt("connect({port:true})", [] { net::connect(Options{.port = true})->destroy(); });
  attempt("connect({port:\"\"})", [] { net::connect(Options{.port = ""})->destroy(); });
  attempt("connect({port:\" \"})", [] { net::connect(Options{.port = " "})->destroy(); });
  attempt("connect({})", [] { net::connect(Options{})->destroy(); });
  rejects("connect()", "ERR_MISSING_ARGS", connects_with<>);
  rejects("connect({port:80,host:123})", "ERR_INVALID_ARG_TYPE", host_takes_int<Options>);
  attempt("connect({port:80,localAddress:\"x\"})", [] { net::connect(Options{.port = 80, .localAddress = "x"})->destroy(); });
  attempt("connect({port:80,family:5})", [] { net::connect(Options{.port = 80, .family = 5})->destroy(); });
  rejects("connect({port:80,lookup:1})", "ERR_INVALID_ARG_TYPE", lookup_takes_int<Options>);
  attempt("connect({port:80,timeout:-1})", [] { net::connect(Options{.port = 80, .timeout = milliseconds(-1)})->destroy(); });
  attempt("new Socket({fd:-1})", [] { net::Socket::create(net::SocketOptions{.fd = -1}); });
  rejects("setTimeout(\"x\")", "ERR_INVALID_ARG_TYPE", timeout_takes<const char*>);
  attempt("setTimeout(-1)", [] { net::Socket::create()->setTimeout(-1.0); });
  attempt("setTimeout(Infinity)",
          [] { net::Socket::create()->setTimeout(std::numeric_limits<double>::infinity()); });
}
