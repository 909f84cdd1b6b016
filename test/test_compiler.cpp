// The spellings README.md's "Compiler notes" give as safe on g++ before 13, which
// destroys an aggregate temporary twice when its statement also has a co_await. Each
// runs here on every compiler; the spellings that crash are not run, they do not
// compile against berth (packaging.aggregate_temporaries checks that).
#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <utility>

#include "berth/acceptor.hpp"
#include "berth/connect.hpp"
#include "berth/detail/compiler.hpp"
#include "berth/timeout.hpp"
#include "support.hpp"

using berth::Acceptor;
using berth::ConnectOptions;
using berth::Error;
using berth::Stream;
using berth::test::run_coro;

namespace {

// Long enough that std::string keeps them on the heap: a second destruction of an
// aggregate holding them is a double free, not a silent no-op.
const std::string long_text(100, 'x');

// The options as a user would fill them, with members that own heap memory.
ConnectOptions options_for(std::uint16_t port, std::string& seen) {
  ConnectOptions options{.port = port, .host = "127.0.0.1"};
  options.observers.attempt = [&seen, tag = long_text](const std::string& address, std::uint16_t, int) {
    seen = address + " " + tag.substr(0, 3);
  };
  return options;
}

// A user aggregate that holds what a connect yields, as in `Holder h{co_await ..., "x"}`.
struct Holder {
  Stream stream;
  std::string name;
};

// Counts its destructions, to see that each object is destroyed exactly once.
struct Counted {
  static inline int alive = 0;
  std::string text = long_text;
  Counted() { ++alive; }
  Counted(const Counted& other) : text(other.text) { ++alive; }
  Counted(Counted&& other) noexcept : text(std::move(other.text)) { ++alive; }
  ~Counted() { --alive; }
};
struct CountedPair {
  Counted first;
  std::string second;
};

asio::awaitable<Counted> make_counted() {
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);  // suspends
  co_return Counted{};
}

}  // namespace

TEST_CASE("berth refuses temporary ConnectOptions exactly on g++ before 13", "[compiler]") {
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
  STATIC_REQUIRE(BERTH_REJECT_AGGREGATE_TEMPORARIES == 1);
#else
  STATIC_REQUIRE(BERTH_REJECT_AGGREGATE_TEMPORARIES == 0);
#endif
}

TEST_CASE("connect with named options, in both error forms, keeps the options intact", "[compiler][connect]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    Acceptor acceptor(ex);
    acceptor.listen({.host = "127.0.0.1"});
    std::uint16_t port = acceptor.address()->port;
    std::string seen;

    ConnectOptions options = options_for(port, seen);
    Stream a = co_await berth::connect(options);
    Stream accepted_a = co_await acceptor.accept();
    CHECK(a.remote_address()->port == port);
    CHECK(seen == "127.0.0.1 xxx");

    Error error;
    Stream b = co_await berth::connect(options, error);
    Stream accepted_b = co_await acceptor.accept();
    CHECK_FALSE(error);
    CHECK(b.is_open());

    const ConnectOptions fixed = options_for(port, seen);
    Stream c = co_await berth::connect(fixed);
    Stream accepted_c = co_await acceptor.accept();
    CHECK(c.is_open());

    // The connects copied the options: they are still whole.
    CHECK(options.host == "127.0.0.1");
    CHECK(fixed.observers.attempt);
  });
}

TEST_CASE("the shorthand connects, std::string temporaries and with_timeout are safe", "[compiler][connect]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    Acceptor acceptor(ex);
    acceptor.listen({.host = "127.0.0.1"});
    std::uint16_t port = acceptor.address()->port;

    // A std::string (and a PortValue) made in the statement: classes with
    // constructors, not aggregates, which g++ 12 destroys correctly.
    Stream a = co_await berth::connect(std::string("127.0.0.1"), port);
    Stream accepted_a = co_await acceptor.accept();
    CHECK(a.is_open());

    std::string seen;
    ConnectOptions options = options_for(port, seen);
    Stream b = co_await berth::with_timeout(berth::connect(options), std::chrono::seconds(5));
    Stream accepted_b = co_await acceptor.accept();
    CHECK(b.is_open());
  });
}

TEST_CASE("an aggregate of a co_await's result, built from a named value, is destroyed once", "[compiler]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    Acceptor acceptor(ex);
    acceptor.listen({.host = "127.0.0.1"});
    std::string seen;
    ConnectOptions options = options_for(acceptor.address()->port, seen);

    // Not `Holder h{co_await berth::connect(options), long_text}`: await into a
    // variable first, then build the aggregate in a statement without co_await.
    Stream stream = co_await berth::connect(options);
    Holder h{std::move(stream), long_text};
    Stream accepted = co_await acceptor.accept();
    CHECK(h.stream.is_open());
    CHECK(h.name == long_text);

    CHECK(Counted::alive == 0);
    {
      Counted counted = co_await make_counted();
      CountedPair pair{std::move(counted), long_text};
      CHECK(Counted::alive == 2);
      CHECK(pair.first.text == long_text);
    }
    CHECK(Counted::alive == 0);
  });
}
