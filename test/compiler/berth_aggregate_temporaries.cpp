// The same defect through berth::connect, with berth's compile-time check turned off
// (BERTH_REJECT_AGGREGATE_TEMPORARIES=0, set by CMakeLists.txt here). One case per
// process; README.md's "Compiler notes" say which ones g++ 11 and 12 get wrong:
//   berth_aggregate_temporaries N   (prints "ok N" when case N survived)
// Built on demand only: cmake --build <build> --target berth_aggregate_temporaries
#include <asio/co_spawn.hpp>
#include <asio/this_coro.hpp>
#include <berth/berth.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

namespace {

// Longer than std::string's inline buffer: a second destruction frees it again.
const std::string long_text(64, 'x');

struct Holder {  // a user aggregate that keeps what a connect yields
  berth::Stream stream;
  std::string name;
};

asio::awaitable<void> run_case(int which) {
  auto ex = co_await asio::this_coro::executor;
  berth::Acceptor acceptor(ex);
  berth::ListenOptions listen_options{.host = "127.0.0.1"};
  acceptor.listen(listen_options);
  std::uint16_t port = acceptor.address()->port;
  berth::ConnectOptions options{.port = port, .host = "127.0.0.1"};
  std::size_t open = 0;
  switch (which) {
    case 1: {  // a braced list as the argument: crashes on g++ < 13
      berth::Stream s = co_await berth::connect(
          {.port = port, .host = "127.0.0.1", .observers = {.attempt = [tag = long_text](auto&&...) {}}});
      open = s.is_open();
      break;
    }
    case 2: {  // an aggregate initialised with a co_await: crashes on g++ < 13
      Holder h{co_await berth::connect(options), long_text};
      open = h.stream.is_open();
      break;
    }
    case 3: {  // named options: safe
      berth::Stream s = co_await berth::connect(options);
      open = s.is_open();
      break;
    }
    case 4: {  // std::move of named options: safe (but refused with the check on)
      berth::Stream s = co_await berth::connect(std::move(options));
      open = s.is_open();
      break;
    }
    case 5: {  // host and port, std::string and PortValue temporaries: safe
      berth::Stream s = co_await berth::connect(std::string("127.0.0.1"), port);
      open = s.is_open();
      break;
    }
    case 6: {  // as 1, but no member owns heap memory: destroyed twice all the same
      berth::Stream s = co_await berth::connect({.port = port, .host = "127.0.0.1"});
      open = s.is_open();
      break;
    }
    default:
      std::exit(2);
  }
  berth::Stream accepted = co_await acceptor.accept();
  if (!open || !accepted.is_open()) std::exit(3);
}

}  // namespace

int main(int argc, char** argv) {
  int which = argc > 1 ? std::atoi(argv[1]) : 0;
  berth::Loop loop;
  bool done = false;
  asio::co_spawn(loop.get_executor(), run_case(which), [&](std::exception_ptr e) {
    if (e) std::abort();
    done = true;
  });
  loop.run();
  if (!done) return 4;
  std::printf("ok %d\n", which);
}
