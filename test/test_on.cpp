#include "berth/on.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <exception>
#include <string>
#include <tuple>
#include <vector>

#include "berth/net.hpp"
#include "berth/timer.hpp"
#include "net_support.hpp"

// Expected values come from Node v20's events.on over the same scenarios: listener
// counts 1/1/1 while open and 0/0/0 after the close event; queued events before the
// error that ends the sequence; AbortError ABORT_ERR.

using berth::Error;
using berth::Event;
using berth::EventEmitter;
namespace net = berth::net;
using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr Event<void(int, const std::string&)> item{"item"};
constexpr Event<void(int)> number{"number"};
constexpr Event<void()> finished{"end"};

}  // namespace

TEST_CASE("on: events come in order, owned, until a close_on event", "[on]") {
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    EventEmitter e;
    auto items = berth::on(e, item);
    items.close_on(finished);
    CHECK(e.listenerCount(item) == 1);
    CHECK(e.listenerCount(berth::events::error) == 1);
    CHECK(e.listenerCount(finished) == 1);
    berth::setTimeout(
        [&] {
          e.emit(item, 1, "a");
          e.emit(item, 2, "b");  // queued: nobody awaits between the two emits
          e.emit(finished);
          e.emit(item, 3, "after the end");
        },
        1ms);
    std::vector<std::tuple<int, std::string>> got;
    while (auto value = co_await items.next()) got.push_back(*value);
    CHECK(got == std::vector<std::tuple<int, std::string>>{{1, "a"}, {2, "b"}});
    CHECK(e.listenerCount(item) == 0);
    CHECK(e.listenerCount(berth::events::error) == 0);
    CHECK(e.listenerCount(finished) == 0);
    auto again = co_await items.next();  // ended stays ended
    CHECK_FALSE(again);
  });
}

TEST_CASE("on: an 'error' ends the sequence after the events queued before it", "[on]") {
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    EventEmitter e;
    auto numbers = berth::on(e, number);
    e.emit(number, 1);
    e.emit(berth::events::error, Error("EBAD", "bad"));
    auto first = co_await numbers.next();
    REQUIRE(first);
    CHECK(*first == 1);
    Error error;
    try {
      co_await numbers.next();
    } catch (const Error& caught) {
      error = caught;
    }
    CHECK(error.message == "bad");
    CHECK(e.listenerCount(number) == 0);
    CHECK(e.listenerCount(berth::events::error) == 0);
    // Node: the error is thrown once; the next next() is {done: true}.
    auto after = co_await numbers.next();
    CHECK_FALSE(after);
  });
}

TEST_CASE("on: an AbortSignal, a cancelled next(), the emitter destroyed", "[on]") {
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    EventEmitter e;
    berth::AbortController controller;
    auto numbers = berth::on(e, number, {controller.signal()});
    berth::setTimeout([&] { controller.abort(); }, 1ms);
    Error aborted;
    try {
      co_await numbers.next();
    } catch (const Error& caught) {
      aborted = caught;
    }
    CHECK(aborted.code == "ABORT_ERR");
    CHECK(e.listenerCount(number) == 0);

    // A next() that loses a race fails alone; the sequence goes on and keeps later events.
    auto more = berth::on(e, number);
    asio::steady_timer timer(co_await asio::this_coro::executor, 2ms);
    auto winner = co_await (more.next() || timer.async_wait(asio::use_awaitable));
    CHECK(winner.index() == 1);
    CHECK(e.listenerCount(number) == 1);
    e.emit(number, 7);
    auto seven = co_await more.next();
    REQUIRE(seven);
    CHECK(*seven == 7);
    more.close();
    CHECK(e.listenerCount(number) == 0);
    auto closed = co_await more.next();
    CHECK_FALSE(closed);

    auto owned = std::make_unique<EventEmitter>();
    auto doomed = berth::on(*owned, number);
    berth::setTimeout([&] { owned.reset(); }, 1ms);
    Error gone;
    try {
      co_await doomed.next();
    } catch (const Error& caught) {
      gone = caught;
    }
    CHECK(gone.code == "ABORT_ERR");
  });
}

TEST_CASE("on: a socket's data until its end", "[on][net]") {
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    auto server = net::createServer([](const net::SocketPtr& s) {
      s->write("one");
      berth::setTimeout([s] { s->end("two"); }, 5ms);
    });
    server->listen(0, "127.0.0.1");
    co_await berth::once(server, net::events::listening);
    auto socket = net::createConnection(server->address()->port, "127.0.0.1");
    auto chunks = berth::on(socket, net::events::data);
    chunks.close_on(net::events::end);
    std::string text;
    while (auto chunk = co_await chunks.next()) text += chunk->toString();
    CHECK(text == "onetwo");
    server->close();
  });
}

TEST_CASE("on: a loop destroyed while next() waits frees the waiting coroutine", "[on]") {
  EventEmitter e;
  bool resumed = false;
  {
    berth::Loop loop;
    asio::co_spawn(
        loop.get_executor(),
        [&]() -> asio::awaitable<void> {
          auto numbers = berth::on(e, number);
          co_await numbers.next();
          resumed = true;
        },
        asio::detached);
    loop.run();
    CHECK(e.listenerCount(number) == 1);
  }
  CHECK(e.listenerCount(number) == 0);  // the coroutine's EventStream went with its frame
  CHECK_FALSE(resumed);
}

TEST_CASE("on: close() with a signal, then the destructor's close(), then the signal", "[on]") {
  EventEmitter e;
  berth::AbortController controller;
  {
    auto numbers = berth::on(e, number, {controller.signal()});
    numbers.close();
    CHECK(numbers.ended());
    CHECK(e.listenerCount(number) == 0);
  }  // closes again
  controller.abort();  // nothing of the sequence is left to call
  CHECK(e.listenerCount(number) == 0);
}
