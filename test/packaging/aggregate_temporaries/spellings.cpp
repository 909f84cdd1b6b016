// Spellings of berth::connect, one per BERTH_SPELLING (compiled -fsyntax-only by
// aggregate-temporaries.cmake). 0 is every safe spelling and compiles everywhere.
// 1-5 pass a temporary ConnectOptions: g++ before 13 would destroy 1, 2 and 4 twice
// (a crash after the connect resumes), and cannot tell 3 and 5 from them, so berth
// refuses all five there with its static_assert; other compilers accept them.
#include <berth/berth.hpp>
#include <chrono>
#include <string>
#include <utility>

berth::ConnectOptions make_options(int port) {
  berth::ConnectOptions options;
  options.port = port;
  return options;
}

asio::awaitable<void> client(int p) {
#if BERTH_SPELLING == 0
  berth::ConnectOptions options{.port = p, .host = "127.0.0.1"};
  berth::Stream a = co_await berth::connect(options);
  berth::Error error;
  berth::Stream b = co_await berth::connect(options, error);
  const berth::ConnectOptions fixed{.port = p};
  berth::Stream c = co_await berth::connect(fixed);
  berth::Stream d = co_await berth::connect("127.0.0.1", p);
  berth::Stream e = co_await berth::connect(std::string("127.0.0.1"), p);
  std::string path = "/tmp/berth.sock";
  berth::Stream f = co_await berth::connect_path(path);
  berth::Stream g = co_await berth::with_timeout(berth::connect(options), std::chrono::seconds(1));
#elif BERTH_SPELLING == 1
  berth::Stream s = co_await berth::connect({.port = p});
#elif BERTH_SPELLING == 2
  berth::Stream s = co_await berth::connect(berth::ConnectOptions{.port = p});
#elif BERTH_SPELLING == 3
  berth::ConnectOptions options{.port = p};
  berth::Stream s = co_await berth::connect(std::move(options));
#elif BERTH_SPELLING == 4
  berth::Error error;
  berth::Stream s = co_await berth::connect({.port = p}, error);
#elif BERTH_SPELLING == 5
  berth::Stream s = co_await berth::connect(make_options(p));
#else
#error "BERTH_SPELLING must be 0 to 5"
#endif
}
