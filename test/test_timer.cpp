#include "berth/timer.hpp"

#include <catch2/catch.hpp>

#include "net_support.hpp"

using namespace std::chrono_literals;
using berth::test::run_loop;

TEST_CASE("a pending setTimeout keeps the loop alive and fires once", "[timer]") {
  int fired = 0;
  auto start = std::chrono::steady_clock::now();
  berth::setTimeout([&] { ++fired; }, 30ms);
  run_loop();
  CHECK(fired == 1);
  CHECK(std::chrono::steady_clock::now() - start >= 30ms);
}

TEST_CASE("an unref'd timer does not keep the loop alive, clearTimeout cancels", "[timer]") {
  int fired = 0;
  auto t = berth::setTimeout([&] { ++fired; }, 50ms);
  t->unref();
  CHECK_FALSE(t->hasRef());
  run_loop();
  CHECK(fired == 0);
  berth::clearTimeout(t);
  auto u = berth::setTimeout([&] { ++fired; }, 10ms);
  berth::clearTimeout(u);
  run_loop();
  CHECK(fired == 0);
}

TEST_CASE("setInterval repeats until cleared", "[timer]") {
  int ticks = 0;
  berth::TimerPtr interval;
  interval = berth::setInterval([&] {
    if (++ticks == 3) berth::clearInterval(interval);
  }, 5ms);
  run_loop();
  CHECK(ticks == 3);
}

TEST_CASE("nextTick callbacks run before further I/O and in order", "[timer][loop]") {
  std::vector<int> order;
  auto& loop = berth::Loop::current();
  berth::setTimeout([&] {
    loop.nextTick([&] {
      order.push_back(1);
      loop.nextTick([&] { order.push_back(3); });
    });
    loop.nextTick([&] { order.push_back(2); });
  }, 1ms);
  run_loop();
  CHECK(order == std::vector<int>{1, 2, 3});
}
