#include "berth/once.hpp"

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <exception>
#include <string>
#include <thread>
#include <tuple>

#include "berth/net.hpp"
#include "berth/timer.hpp"
#include "net_support.hpp"

// Expected values come from Node v20's events.once over the same scenarios
// (listenerCount before/after, ECONNREFUSED, AbortError ABORT_ERR, [1, "two"]).

using berth::Error;
using berth::Event;
using berth::EventEmitter;
namespace net = berth::net;
using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr Event<void(int, const std::string&)> pair_event{"pair"};
constexpr Event<void()> ping{"ping"};

// Emits `event` on the loop, soon (a timer of `ms` milliseconds).
template <class... Args, class... Values>
void emit_later(EventEmitter& emitter, const Event<void(Args...)>& event, std::chrono::milliseconds ms,
                Values... values) {
  berth::setTimeout([&emitter, event, values...] { emitter.emit(event, values...); }, ms);
}

std::size_t listeners(EventEmitter& e, const Event<void(int, const std::string&)>& event) {
  return e.listenerCount(event) + e.listenerCount(berth::events::error);
}

}  // namespace

TEST_CASE("once: a server's 'listening', a socket's 'connect' and 'data', owned", "[once][net]") {
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    auto server = net::createServer([](const net::SocketPtr& s) { s->end("hi"); });
    server->listen(0, "127.0.0.1");
    co_await berth::once(server, net::events::listening);
    int port = server->address()->port;
    auto socket = net::createConnection(port, "127.0.0.1");
    CHECK(socket->listenerCount(net::events::connect) == 0);
    co_await berth::once(socket, net::events::connect);
    CHECK(socket->listenerCount(net::events::connect) == 0);
    CHECK(socket->listenerCount(berth::events::error) == 0);
    berth::Buffer data = co_await berth::once(socket, net::events::data);
    CHECK(data.toString() == "hi");  // a Buffer the coroutine owns, not a view of the read buffer
    bool hadError = co_await berth::once(socket, net::events::close);
    CHECK_FALSE(hadError);
    server->close();
    co_await berth::once(server, net::events::close);
  });
}

TEST_CASE("once: an 'error' that comes first fails the wait with it", "[once][net]") {
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    auto server = net::createServer();
    server->listen(0, "127.0.0.1");
    co_await berth::once(server, net::events::listening);
    int port = server->address()->port;
    server->close();
    co_await berth::once(server, net::events::close);
    auto socket = net::createConnection(port, "127.0.0.1");
    Error error;
    try {
      co_await berth::once(socket, net::events::connect);
    } catch (const Error& e) {
      error = e;
    }
    CHECK(error.code == "ECONNREFUSED");
    CHECK(error.message == "connect ECONNREFUSED 127.0.0.1:" + std::to_string(port));
    CHECK(socket->listenerCount(net::events::connect) == 0);
    CHECK(socket->listenerCount(berth::events::error) == 0);
  });
}

TEST_CASE("once: several arguments come as a tuple, awaiting 'error' gives the Error", "[once]") {
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    EventEmitter emitter;
    emit_later(emitter, pair_event, 1ms, 1, std::string("two"));
    auto [number, text] = co_await berth::once(emitter, pair_event);
    CHECK(number == 1);
    CHECK(text == "two");
    CHECK(listeners(emitter, pair_event) == 0);
    emit_later(emitter, berth::events::error, 1ms, Error("EBOOM", "boom"));
    Error awaited = co_await berth::once(emitter, berth::events::error);
    CHECK(awaited.message == "boom");
    CHECK(emitter.listenerCount(berth::events::error) == 0);
  });
}

TEST_CASE("once: cancelled through its slot, by awaitable_operators' ||, it leaves no listener", "[once]") {
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    EventEmitter emitter;
    asio::steady_timer timer(co_await asio::this_coro::executor, 5ms);
    auto winner = co_await (berth::once(emitter, pair_event) || timer.async_wait(asio::use_awaitable));
    CHECK(winner.index() == 1);
    CHECK(listeners(emitter, pair_event) == 0);
    // The event after the cancellation reaches nobody and nothing breaks.
    CHECK_FALSE(emitter.emit(pair_event, 2, "late"));

    // An explicit cancellation signal: AbortError, as every other way the wait is given up.
    asio::cancellation_signal cancel;
    Error error;
    auto ex = co_await asio::this_coro::executor;
    berth::setTimeout([&] { cancel.emit(asio::cancellation_type::terminal); }, 1ms);
    try {
      co_await berth::once(emitter, ping, {}, asio::bind_cancellation_slot(cancel.slot(), asio::use_awaitable));
    } catch (const Error& e) {
      error = e;
    }
    CHECK(error.code == "ABORT_ERR");
    CHECK(emitter.listenerCount(ping) == 0);
    CHECK(emitter.listenerCount(berth::events::error) == 0);
    (void)ex;
  });
}

TEST_CASE("once: an AbortSignal aborts the wait with an AbortError", "[once]") {
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    EventEmitter emitter;
    berth::AbortController controller;
    berth::setTimeout([&] { controller.abort(); }, 1ms);
    Error error;
    try {
      co_await berth::once(emitter, pair_event, {controller.signal()});
    } catch (const Error& e) {
      error = e;
    }
    CHECK(error.kind == berth::ErrorKind::AbortError);
    CHECK(error.code == "ABORT_ERR");
    CHECK(error.message == "The operation was aborted");
    CHECK(listeners(emitter, pair_event) == 0);
    // Already aborted: fails at once, adds nothing.
    Error early;
    try {
      co_await berth::once(emitter, pair_event, {berth::AbortSignal::abort()});
    } catch (const Error& e) {
      early = e;
    }
    CHECK(early.code == "ABORT_ERR");
    CHECK(listeners(emitter, pair_event) == 0);
  });
}

TEST_CASE("once: the emitter destroyed while awaited fails the wait with an AbortError", "[once]") {
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    auto emitter = std::make_unique<EventEmitter>();
    berth::setTimeout([&] { emitter.reset(); }, 1ms);
    Error error;
    try {
      co_await berth::once(*emitter, ping);
    } catch (const Error& e) {
      error = e;
    }
    CHECK(error.code == "ABORT_ERR");
    CHECK_FALSE(emitter);
  });
}

TEST_CASE("once: the awaiting code may destroy the emitter as soon as it resumes", "[once]") {
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    auto emitter = std::make_unique<EventEmitter>();
    emit_later(*emitter, ping, 1ms);
    co_await berth::once(*emitter, ping);
    emitter.reset();  // the emit that woke us has returned: nothing of it is left to run
    co_return;
  });
}

TEST_CASE("once: a loop that ends while a wait is pending frees it (no leak, no call)", "[once]") {
  bool resumed = false;
  EventEmitter emitter;  // outlives the loop
  {
    berth::Loop loop;
    asio::co_spawn(
        loop.get_executor(),
        [&]() -> asio::awaitable<void> {
          co_await berth::once(emitter, ping);
          resumed = true;
        },
        asio::detached);
    loop.run();  // the wait keeps nothing alive: run() returns with it pending
    CHECK(emitter.listenerCount(ping) == 1);
  }  // the loop's io_context frees the waiting coroutine and takes its listeners away
  CHECK(emitter.listenerCount(ping) == 0);
  CHECK(emitter.listenerCount(berth::events::error) == 0);
  CHECK_FALSE(emitter.emit(ping));
  CHECK_FALSE(resumed);
}

TEST_CASE("once: a plain callback token runs on the loop's thread", "[once]") {
  EventEmitter emitter;
  std::thread::id ran_on;
  bool called = false;
  berth::once(emitter, pair_event, {}, [&](std::exception_ptr failure, std::tuple<int, std::string> args) {
    called = !failure && std::get<0>(args) == 4;
    ran_on = std::this_thread::get_id();
  });
  berth::setTimeout([&] { emitter.emit(pair_event, 4, "four"); }, 1ms);
  berth::run();
  CHECK(called);
  CHECK(ran_on == std::this_thread::get_id());
}
