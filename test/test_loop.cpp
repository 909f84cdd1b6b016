#include "berth/loop.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <catch2/catch.hpp>
#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "berth/acceptor.hpp"
#include "berth/connect.hpp"
#include "berth/net.hpp"
#include "berth/timer.hpp"

using namespace std::chrono_literals;

TEST_CASE("run() returns at once when nothing is ref'd", "[loop]") {
  berth::Loop loop;
  int ran = 0;
  asio::post(loop.context(), [&] { ++ran; });
  loop.run();
  CHECK(ran == 1);
  CHECK(loop.ref_count() == 0);
}

TEST_CASE("an unref'd listening acceptor does not keep the loop alive", "[loop]") {
  berth::Loop loop;
  berth::Acceptor acceptor(loop.get_executor());
  acceptor.listen({.host = "127.0.0.1"});
  CHECK(loop.ref_count() == 1);
  acceptor.unref();
  CHECK(loop.ref_count() == 0);
  // A pending accept on an unref'd acceptor must not hold run() open.
  asio::co_spawn(loop.context(), [&]() -> asio::awaitable<void> {
    berth::Error ignored;
    co_await acceptor.accept(ignored);
  }, asio::detached);
  auto start = std::chrono::steady_clock::now();
  loop.run();
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  acceptor.ref();
  CHECK(loop.ref_count() == 1);
  acceptor.close();
  CHECK(loop.ref_count() == 0);
}

TEST_CASE("a ref'd acceptor keeps run() going until it closes", "[loop]") {
  berth::Loop loop;
  berth::Acceptor acceptor(loop.get_executor());
  acceptor.listen({.host = "127.0.0.1"});
  asio::co_spawn(loop.context(), [&]() -> asio::awaitable<void> {
    berth::Error ignored;
    co_await acceptor.accept(ignored);
  }, asio::detached);
  asio::steady_timer timer(loop.context(), 50ms);
  bool fired = false;
  timer.async_wait([&](std::error_code) {
    fired = true;
    acceptor.close();
  });
  loop.run();
  CHECK(fired);
}

TEST_CASE("an unref'd stream that is still connecting lets run() end only after connect", "[loop]") {
  berth::Loop loop;
  berth::Acceptor acceptor(loop.get_executor());
  acceptor.listen({.host = "127.0.0.1"});
  acceptor.unref();
  bool connected = false;
  asio::co_spawn(loop.context(), [&]() -> asio::awaitable<void> {
    auto stream = co_await berth::connect("localhost", acceptor.address()->port);
    connected = true;
    stream.unref();
    char buf[1];
    co_await stream.read_some(asio::buffer(buf));  // would wait forever, but unref'd
  }, asio::detached);
  loop.run();
  CHECK(connected);
}

TEST_CASE("run() can be called again after an exception escapes a handler", "[loop]") {
  berth::Loop loop;
  asio::post(loop.context(), [] { throw std::runtime_error("listener threw"); });
  int after = 0;
  asio::post(loop.context(), [&] { ++after; });
  CHECK_THROWS_WITH(loop.run(), "listener threw");
  loop.run();
  CHECK(after == 1);
}

TEST_CASE("Loop::current is one loop per thread", "[loop]") {
  CHECK(&berth::Loop::current() == &berth::Loop::current());
}

// Each case runs on a thread of its own, whose current loop nothing has set yet.
template <class F>
void on_new_thread(F f) {
  std::exception_ptr failure;
  std::thread thread([&] {
    try {
      f();
    } catch (...) {
      failure = std::current_exception();
    }
  });
  thread.join();
  if (failure) std::rethrow_exception(failure);
}

TEST_CASE("the first Loop constructed on a thread is its current loop, which the factories use", "[loop]") {
  on_new_thread([] {
    berth::Loop loop;
    CHECK(&berth::Loop::current() == &loop);
    bool listening = false, fired = false;
    auto server = berth::net::createServer();
    server->listen(0, "127.0.0.1", [&] {
      listening = true;
      server->close();
    });
    berth::setTimeout([&] { fired = true; }, 1ms);
    loop.run();  // runs the server and the timer: they were made on this loop
    CHECK(listening);
    CHECK(fired);
    berth::Loop second;  // a later loop does not take over
    CHECK(&berth::Loop::current() == &loop);
  });
  on_new_thread([] {
    { berth::Loop gone; }
    // Once the thread's loop is destroyed, current() makes one again.
    berth::Loop& made = berth::Loop::current();
    CHECK(&berth::Loop::current() == &made);
    bool fired = false;
    berth::setTimeout([&] { fired = true; }, 1ms);
    berth::run();
    CHECK(fired);
  });
}

TEST_CASE("a loop is the current loop while its run() runs", "[loop]") {
  on_new_thread([] {
    berth::Loop& first = berth::Loop::current();
    berth::Loop second;
    CHECK(&berth::Loop::current() == &first);
    berth::Loop* seen = nullptr;
    bool fired = false;
    asio::post(second.context(), [&] {
      seen = &berth::Loop::current();
      berth::setTimeout([&] { fired = true; }, 1ms);  // on `second`, which runs it
    });
    second.run();
    CHECK(seen == &second);
    CHECK(fired);
    CHECK(&berth::Loop::current() == &first);
  });
}

TEST_CASE("running a loop with nothing to do beside a current loop with live handles is ERR_INVALID_STATE",
          "[loop]") {
  on_new_thread([] {
    bool fired = false;
    auto timer = berth::setTimeout([&] { fired = true; }, 1ms);  // on the current loop, made here
    berth::Loop mistaken;
    berth::Error error;
    try {
      mistaken.run();
    } catch (const berth::Error& e) {
      error = e;
    }
    CHECK(error.code == "ERR_INVALID_STATE");
    CHECK_THAT(error.message, Catch::Contains("Loop::run() found nothing to do") &&
                                  Catch::Contains("has 1 active handles") && Catch::Contains("berth::run()"));
    berth::run();  // the current loop still runs what it has
    CHECK(fired);
    mistaken.run();  // nothing left anywhere: an empty run is no error
  });
}

TEST_CASE("nextTick takes move-only callables, small ones inline and large ones on the heap", "[loop]") {
  berth::Loop loop;
  std::vector<int> order;
  // Counts live copies, so a leak or a double destruction shows.
  struct Probe {
    int* live;
    explicit Probe(int* l) : live(l) { ++*live; }
    Probe(Probe&& o) noexcept : live(o.live) { ++*live; }
    Probe(const Probe&) = delete;
    ~Probe() { --*live; }
  };
  int live = 0;
  auto owned = std::make_unique<int>(1);
  std::array<char, 200> big{};  // larger than Task's inline storage
  big[199] = 2;
  loop.nextTick([p = std::move(owned), &order, probe = Probe(&live)] { order.push_back(*p); });
  loop.nextTick([big, &order, probe = Probe(&live)] { order.push_back(big[199]); });
  std::function<void()> f = [&order] { order.push_back(3); };
  loop.nextTick(f);
  CHECK(live == 2);
  loop.run();
  CHECK(order == std::vector<int>{1, 2, 3});
  CHECK(live == 0);

  // Ticks still queued when the loop goes are destroyed, not run and not leaked.
  {
    berth::Loop other;
    other.nextTick([&order, probe = Probe(&live)] { order.push_back(4); });
    other.nextTick([big, &order, probe = Probe(&live)] { order.push_back(5); });
    CHECK(live == 2);
  }
  CHECK(live == 0);
  CHECK(order.size() == 3);
}

// node v20 (setTimeout callback queueing both kinds; a second timer due at once):
// cb, t1, m1, m2, m3, t2, next — every tick, then every microtask (those queued by
// microtasks too), then the ticks those queued, all before the next callback.
TEST_CASE("queueMicrotask runs after the nextTick queue, before the next callback, as Node's", "[loop]") {
  berth::Loop loop;
  std::vector<std::string> order;
  auto log = [&order](std::string s) { order.push_back(std::move(s)); };
  berth::setTimeout([&] {
    loop.queueMicrotask([&] {
      log("m1");
      loop.queueMicrotask([&] { log("m3"); });
    });
    loop.nextTick([&] { log("t1"); });
    loop.queueMicrotask([&] {
      log("m2");
      loop.nextTick([&] { log("t2"); });
    });
    log("cb");
  }, 1ms, loop);
  berth::setTimeout([&] { log("next"); }, 1ms, loop);
  loop.run();
  CHECK(order == std::vector<std::string>{"cb", "t1", "m1", "m2", "m3", "t2", "next"});
}

// A coroutine's code runs outside the loop's callbacks (on the io_context's own
// executor): the ticks it queues still run before berth's next callback.
TEST_CASE("ticks queued by a coroutine on get_executor() run before the next callback", "[loop]") {
  berth::Loop loop;
  std::vector<std::string> order;
  asio::co_spawn(loop.get_executor(), [&]() -> asio::awaitable<void> {
    loop.nextTick([&] { order.push_back("tick"); });
    order.push_back("coroutine");
    co_return;
  }, asio::detached);
  berth::setTimeout([&] { order.push_back("timer"); }, 0ms, loop);
  loop.run();
  CHECK(order == std::vector<std::string>{"coroutine", "tick", "timer"});
}

// A tick that throws, queued outside any callback, leaves run() as any handler's exception
// does, and costs no other callback: the timer still runs when run() is called again.
TEST_CASE("a throwing tick queued by a coroutine leaves run() and loses no callback", "[loop]") {
  berth::Loop loop;
  bool timer_ran = false;
  asio::co_spawn(loop.get_executor(), [&]() -> asio::awaitable<void> {
    loop.nextTick([] { throw std::runtime_error("tick"); });
    co_return;
  }, asio::detached);
  berth::setTimeout([&] { timer_ran = true; }, 0ms, loop);
  CHECK_THROWS_WITH(loop.run(), "tick");
  loop.run();
  CHECK(timer_ran);
}
