#include "berth/loop.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <catch2/catch.hpp>
#include <chrono>

#include "berth/acceptor.hpp"
#include "berth/connect.hpp"

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
