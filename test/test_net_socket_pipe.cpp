// net::Socket::pipe() and unpipe() as Node v20's Readable.pipe: backpressure over one or
// several destinations, the cleanup when a destination closes, finishes or errors or a
// source ends, and the 'pipe'/'unpipe' events. Every expected trace is what Node v20.20.2
// printed for the same scenario over loopback (the probe is test/net_probes/pipe.js, its
// scenario named per case: each `pair()` is a connected client and the server's socket
// for it; a "congested" destination is a client whose peer does not read, with 4 MiB queued).

#include <asio/co_spawn.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "berth/net.hpp"
#include "berth/once.hpp"
#include "berth/timer.hpp"
#include "net_support.hpp"

using berth::BufferView;
namespace net = berth::net;
using namespace std::chrono_literals;

namespace {

using Lines = std::vector<std::string>;

std::string flag(bool b) { return b ? "true" : "false"; }

// The listeners pipe() adds to a destination, as the probe prints them.
std::string counts(const net::Socket& s) {
  return "drain=" + std::to_string(s.listenerCount(net::events::drain)) +
         " close=" + std::to_string(s.listenerCount(net::events::close)) +
         " finish=" + std::to_string(s.listenerCount(net::events::finish)) +
         " error=" + std::to_string(s.listenerCount(berth::events::error)) +
         " unpipe=" + std::to_string(s.listenerCount(net::events::unpipe));
}

asio::awaitable<void> sleep(std::chrono::milliseconds ms) {
  asio::steady_timer timer(co_await asio::this_coro::executor, ms);
  co_await timer.async_wait(asio::use_awaitable);
}

struct Pair {
  net::SocketPtr client;  // connected to...
  net::SocketPtr peer;    // ...the server's socket for it
};

asio::awaitable<Pair> pair() {
  auto server = net::createServer();
  server->listen(0, "127.0.0.1");
  co_await berth::once(server, net::events::listening);
  Pair p;
  p.client = net::createConnection(server->address()->port, "127.0.0.1");
  p.peer = co_await berth::once(server, net::events::connection);
  if (p.client->connecting()) co_await berth::once(p.client, net::events::connect);
  server->close();
  co_return p;
}

struct Congested {
  net::SocketPtr dest, peer;
  bool ok;
};

// A destination whose writes are refused: its peer does not read and 4 MiB are queued.
asio::awaitable<Congested> congested() {
  Pair p = co_await pair();
  p.peer->pause();
  std::vector<std::uint8_t> block(4u << 20, 0);
  bool ok = p.client->write(BufferView(block.data(), block.size()));
  co_return Congested{p.client, p.peer, ok};
}

void run(std::function<asio::awaitable<void>()> scenario) { berth::test::run_coro_on_loop(std::move(scenario), 15s); }

}  // namespace

// s1: src.peer.pipe(d.dest) into a congested destination.
TEST_CASE("pipe() into a destination that needs a drain pauses at once and resumes at its 'drain'",
          "[net][socket][pipe]") {
  Lines trace;
  run([&]() -> asio::awaitable<void> {
    Pair src = co_await pair();
    Congested d = co_await congested();
    trace.push_back("write ok " + flag(d.ok) + " needDrain " + flag(d.dest->writableNeedDrain()));
    src.peer->pipe(d.dest);
    trace.push_back("after pipe: paused " + flag(src.peer->isPaused()) + " flowing " +
                    flag(src.peer->readableFlowing().value_or(true)) + " " + counts(*d.dest));
    src.client->write("abc");
    co_await sleep(100ms);
    trace.push_back("while congested: readableLength " + std::to_string(src.peer->readableLength()));
    std::size_t got = 0;
    d.peer->on(net::events::data, [&](BufferView b) { got += b.size(); });
    d.peer->resume();
    for (int i = 0; i < 1000 && got < (4u << 20) + 3; ++i) co_await sleep(10ms);
    trace.push_back("drained: got " + std::to_string(got) + " paused " + flag(src.peer->isPaused()) + " " +
                    counts(*d.dest));
    src.client->destroy();
    d.dest->destroy();
    co_await sleep(50ms);
  });
  CHECK(trace == Lines{
                     "write ok false needDrain true",
                     "after pipe: paused true flowing false drain=1 close=1 finish=1 error=1 unpipe=1",
                     "while congested: readableLength 3",
                     "drained: got 4194307 paused false drain=1 close=1 finish=1 error=1 unpipe=1",
                 });
}

// s2: three sources piped with { end: false } into one congested destination, then ended.
TEST_CASE("pipe(dest, end = false): a source's 'end' unpipes it and takes its listeners off the destination",
          "[net][socket][pipe]") {
  Lines trace;
  run([&]() -> asio::awaitable<void> {
    Congested d = co_await congested();
    std::vector<Pair> srcs;
    for (int i = 0; i < 3; ++i) srcs.push_back(co_await pair());
    std::vector<std::size_t> end_before;
    for (auto& s : srcs) {
      end_before.push_back(s.peer->listenerCount(net::events::end));
      s.peer->pipe(d.dest, false);
    }
    trace.push_back("piped 3: " + counts(*d.dest));
    for (auto& s : srcs) s.client->end();
    co_await sleep(100ms);
    trace.push_back("sources ended: " + counts(*d.dest) + " dest writable " + flag(d.dest->writable()));
    for (std::size_t i = 0; i < srcs.size(); ++i)
      trace.push_back("source data " + std::to_string(srcs[i].peer->listenerCount(net::events::data)) + " end " +
                      std::to_string(srcs[i].peer->listenerCount(net::events::end) - end_before[i]));
    d.dest->destroy();
    co_await sleep(50ms);
  });
  CHECK(trace == Lines{
                     "piped 3: drain=3 close=3 finish=3 error=3 unpipe=3",
                     "sources ended: drain=0 close=0 finish=0 error=0 unpipe=0 dest writable true",
                     "source data 0 end 0",
                     "source data 0 end 0",
                     "source data 0 end 0",
                 });
}

// s3: the destination is destroyed while piped; the source's later data stays in it.
TEST_CASE("pipe(): a destination that closes is unpiped and the source pauses: its later data stays buffered",
          "[net][socket][pipe]") {
  Lines trace;
  run([&]() -> asio::awaitable<void> {
    Pair src = co_await pair();
    Pair d = co_await pair();
    src.peer->pipe(d.client);
    d.peer->on(net::events::data, [&](BufferView b) { trace.push_back("dest peer got \"" + b.toString() + "\""); });
    src.client->write("first");
    co_await sleep(100ms);
    d.client->once(net::events::close, [&](bool) {
      trace.push_back("dest close: source paused " + flag(src.peer->isPaused()) + " data listeners " +
                      std::to_string(src.peer->listenerCount(net::events::data)));
    });
    d.client->destroy();
    co_await sleep(50ms);
    src.client->write("second");
    co_await sleep(100ms);
    trace.push_back("after: paused " + flag(src.peer->isPaused()) + " readableLength " +
                    std::to_string(src.peer->readableLength()) + " " + counts(*d.client));
    src.client->destroy();
    co_await sleep(50ms);
  });
  CHECK(trace == Lines{
                     "dest peer got \"first\"",
                     "dest close: source paused true data listeners 0",
                     "after: paused true readableLength 6 drain=0 close=0 finish=0 error=0 unpipe=0",
                 });
}

// s4: dest.end() while piped with { end: false }.
TEST_CASE("pipe(): a destination that finishes is unpiped", "[net][socket][pipe]") {
  Lines trace;
  run([&]() -> asio::awaitable<void> {
    Pair src = co_await pair();
    Pair d = co_await pair();
    src.peer->pipe(d.client, false);
    d.client->once(net::events::finish, [&] {
      trace.push_back("dest finish: data listeners " + std::to_string(src.peer->listenerCount(net::events::data)) +
                      " paused " + flag(src.peer->isPaused()));
    });
    d.client->end();
    co_await sleep(100ms);
    trace.push_back("after: " + counts(*d.client));
    src.client->destroy();
    d.peer->destroy();
    co_await sleep(50ms);
  });
  CHECK(trace == Lines{
                     "dest finish: data listeners 0 paused true",
                     "after: drain=0 close=0 finish=0 error=0 unpipe=0",
                 });
}

// s5: dest.destroy(new Error('boom')) with a user 'error' listener.
TEST_CASE("pipe(): a destination's 'error' unpipes first, then reaches the user's listener", "[net][socket][pipe]") {
  Lines trace;
  run([&]() -> asio::awaitable<void> {
    Pair src = co_await pair();
    Pair d = co_await pair();
    src.peer->pipe(d.client);
    d.client->on(berth::events::error, [&](const berth::Error& e) {
      trace.push_back("user error " + std::string(e.what()) + " source data listeners " +
                      std::to_string(src.peer->listenerCount(net::events::data)) + " paused " +
                      flag(src.peer->isPaused()) + " " + counts(*d.client));
    });
    d.client->destroy(berth::Error("ERR_TEST", "boom"));
    co_await sleep(50ms);
    src.client->destroy();
    d.peer->destroy();
    co_await sleep(50ms);
  });
  CHECK(trace == Lines{
                     "user error boom source data listeners 0 paused true drain=0 close=0 finish=0 error=1 unpipe=0",
                 });
}

TEST_CASE("pipe(): a destination's 'error' nobody else hears is still raised as unheard", "[net][socket][pipe]") {
  // Node: pipe's own 'error' listener re-emits it when it was the only one (uncaught).
  bool finished = false;
  auto keep_alive = berth::setTimeout([] {}, 10s);
  asio::co_spawn(
      berth::Loop::current().get_executor(),
      []() -> asio::awaitable<void> {
        Pair src = co_await pair();
        Pair d = co_await pair();
        src.peer->pipe(d.client);
        d.client->destroy(berth::Error("ERR_TEST", "boom"));
        co_await sleep(100ms);
        CHECK(src.peer->isPaused());
        CHECK(src.peer->listenerCount(net::events::data) == 0u);
        for (auto* p : {&src, &d}) {
          p->client->destroy();
          p->peer->destroy();
        }
        co_await sleep(50ms);
      },
      [&](std::exception_ptr) {
        finished = true;
        berth::clearTimeout(keep_alive);
      });
  CHECK_THROWS_WITH(berth::test::run_loop(15s), "boom");
  berth::test::run_loop(15s);  // the scenario goes on to its end
  CHECK(finished);
}

// s6: 'pipe' and 'unpipe' on two destinations, unpipe(d1), unpipe(d1) again, unpipe().
TEST_CASE("pipe() emits 'pipe', unpipe(dest) and unpipe() emit 'unpipe' and pause when nothing is left",
          "[net][socket][pipe]") {
  Lines trace;
  run([&]() -> asio::awaitable<void> {
    Pair src = co_await pair();
    Pair d1 = co_await pair();
    Pair d2 = co_await pair();
    auto end_before = src.peer->listenerCount(net::events::end);
    for (auto [name, d] : {std::pair{"d1", d1.client}, std::pair{"d2", d2.client}}) {
      d->on(net::events::pipe, [&, name = std::string(name)](const net::SocketPtr& s) {
        trace.push_back(name + " pipe " + flag(s == src.peer) + " paused " + flag(src.peer->isPaused()));
      });
      d->on(net::events::unpipe, [&, name = std::string(name)](const net::SocketPtr& s) {
        trace.push_back(name + " unpipe " + flag(s == src.peer) + " paused " + flag(src.peer->isPaused()) +
                        " data listeners " + std::to_string(src.peer->listenerCount(net::events::data)));
      });
    }
    src.peer->pipe(d1.client);
    src.peer->pipe(d2.client);
    trace.push_back("piped 2: data " + std::to_string(src.peer->listenerCount(net::events::data)) + " end " +
                    std::to_string(src.peer->listenerCount(net::events::end) - end_before));
    src.peer->unpipe(d1.client);
    trace.push_back("unpiped d1: paused " + flag(src.peer->isPaused()) + " data " +
                    std::to_string(src.peer->listenerCount(net::events::data)));
    src.peer->unpipe(d1.client);
    trace.push_back("unpiped d1 again");
    src.peer->pipe(d1.client);
    src.peer->unpipe();
    trace.push_back("unpiped all: paused " + flag(src.peer->isPaused()) + " data " +
                    std::to_string(src.peer->listenerCount(net::events::data)) + " end " +
                    std::to_string(src.peer->listenerCount(net::events::end) - end_before) + " " +
                    counts(*d1.client) + " " + counts(*d2.client));
    for (auto* p : {&src, &d1, &d2}) p->client->destroy();
    co_await sleep(50ms);
  });
  CHECK(trace == Lines{
                     "d1 pipe true paused false",
                     "d2 pipe true paused false",
                     "piped 2: data 2 end 2",
                     "d1 unpipe true paused false data listeners 2",
                     "unpiped d1: paused false data 1",
                     "unpiped d1 again",
                     "d1 pipe true paused false",
                     "d2 unpipe true paused true data listeners 2",
                     "d1 unpipe true paused true data listeners 1",
                     "unpiped all: paused true data 0 end 0 drain=0 close=0 finish=0 error=0 unpipe=1 "
                     "drain=0 close=0 finish=0 error=0 unpipe=1",
                 });
}

// s7: the source's 'end' came before pipe(): the destination is ended on the next tick.
TEST_CASE("pipe() after the source's 'end' ends the destination on the next tick", "[net][socket][pipe]") {
  Lines trace;
  run([&]() -> asio::awaitable<void> {
    Pair src = co_await pair();
    Pair d = co_await pair();
    src.peer->resume();
    src.client->end();
    co_await berth::once(src.peer, net::events::end);
    d.client->on(net::events::finish, [&] { trace.push_back("dest finish"); });
    src.peer->pipe(d.client);
    trace.push_back("piped, dest writableEnded " + flag(d.client->writableEnded()));
    berth::Loop::current().nextTick(
        [&] { trace.push_back("next tick, dest writableEnded " + flag(d.client->writableEnded())); });
    co_await sleep(100ms);
    src.peer->destroy();
    d.peer->destroy();
    co_await sleep(50ms);
  });
  CHECK(trace == Lines{
                     "piped, dest writableEnded false",
                     "next tick, dest writableEnded true",
                     "dest finish",
                 });
}

// s8: src.pipe(d1) (congested), src.pipe(d2); data; d1 drains.
TEST_CASE("pipe() to two destinations: the source waits for the refused one's drain", "[net][socket][pipe]") {
  Lines trace;
  run([&]() -> asio::awaitable<void> {
    Pair src = co_await pair();
    Congested d1 = co_await congested();
    Pair d2 = co_await pair();
    src.peer->pipe(d1.dest);
    trace.push_back("piped d1: paused " + flag(src.peer->isPaused()));
    src.peer->pipe(d2.client);
    trace.push_back("piped d2: paused " + flag(src.peer->isPaused()));
    std::size_t got2 = 0;
    d2.peer->on(net::events::data, [&](BufferView b) { got2 += b.size(); });
    src.client->write("xyz");
    co_await sleep(100ms);
    trace.push_back("after data: paused " + flag(src.peer->isPaused()) + " d2 got " + std::to_string(got2));
    src.client->write("more");
    co_await sleep(100ms);
    trace.push_back("while d1 congested: readableLength " + std::to_string(src.peer->readableLength()) + " d2 got " +
                    std::to_string(got2));
    d1.peer->resume();
    co_await sleep(300ms);
    trace.push_back("d1 drained: paused " + flag(src.peer->isPaused()) + " d2 got " + std::to_string(got2));
    src.client->destroy();
    d1.dest->destroy();
    d2.client->destroy();
    co_await sleep(50ms);
  });
  CHECK(trace == Lines{
                     "piped d1: paused true",
                     "piped d2: paused false",
                     "after data: paused true d2 got 3",
                     "while d1 congested: readableLength 4 d2 got 3",
                     "d1 drained: paused false d2 got 7",
                 });
}

// s9: src.pipe(congested); src.unpipe(it).
TEST_CASE("unpipe() of a destination the source waits on leaves the source paused", "[net][socket][pipe]") {
  Lines trace;
  run([&]() -> asio::awaitable<void> {
    Pair src = co_await pair();
    Congested d = co_await congested();
    src.peer->pipe(d.dest);
    src.peer->unpipe(d.dest);
    trace.push_back("unpiped: paused " + flag(src.peer->isPaused()) + " flowing " +
                    flag(src.peer->readableFlowing().value_or(true)) + " " + counts(*d.dest));
    src.client->destroy();
    d.dest->destroy();
    co_await sleep(50ms);
  });
  CHECK(trace == Lines{"unpiped: paused true flowing false drain=0 close=0 finish=0 error=0 unpipe=0"});
}

TEST_CASE("pipe() of a null destination throws ERR_INVALID_ARG_TYPE", "[net][socket][pipe]") {
  auto s = net::Socket::create();
  try {
    s->pipe(nullptr);
    FAIL("no throw");
  } catch (const berth::Error& e) {
    CHECK(e.code == "ERR_INVALID_ARG_TYPE");
  }
  s->destroy();
  berth::test::run_loop(5s);
}

// A congested destination that is ending no longer needs a drain (Node's getter): pipe()
// resumes the source, and the next chunk's write-after-end destroys the destination.
// Node v20, probe s10.
TEST_CASE("pipe() into a congested destination that is ending flows, and unpipes at its write-after-end error",
          "[net][socket][pipe]") {
  Lines trace;
  run([&]() -> asio::awaitable<void> {
    Pair src = co_await pair();
    Congested d = co_await congested();
    d.dest->once(berth::events::error, [&](const berth::Error& e) { trace.push_back("dest error " + e.code); });
    d.dest->end();
    trace.push_back("ended: writableNeedDrain " + flag(d.dest->writableNeedDrain()));
    src.peer->pipe(d.dest);
    trace.push_back("piped: paused " + flag(src.peer->isPaused()) + " flowing " +
                    flag(src.peer->readableFlowing().value_or(false)) + " " + counts(*d.dest));
    src.client->write("q");
    co_await sleep(100ms);
    trace.push_back("after data: paused " + flag(src.peer->isPaused()) + " flowing " +
                    flag(src.peer->readableFlowing().value_or(false)) + " data " +
                    std::to_string(src.peer->listenerCount(net::events::data)) + " readableLength " +
                    std::to_string(src.peer->readableLength()) + " " + counts(*d.dest));
    src.client->destroy();
    d.dest->destroy();
    co_await sleep(50ms);
  });
  CHECK(trace == Lines{
                     "ended: writableNeedDrain false",
                     "piped: paused false flowing true drain=0 close=1 finish=1 error=2 unpipe=1",
                     "dest error ERR_STREAM_WRITE_AFTER_END",
                     "after data: paused true flowing false data 0 readableLength 0 drain=0 close=0 finish=0 "
                     "error=0 unpipe=0",
                 });
}

// Node's pipe closure keeps its destination alive: a never-connected socket nobody else
// holds still gets the data (and fails it with ERR_SOCKET_CLOSED), and the source then
// pauses with the rest buffered. Node v20, probe s11.
TEST_CASE("pipe() keeps a destination nobody else holds alive: its data is never dropped silently",
          "[net][socket][pipe]") {
  Lines trace;
  run([&]() -> asio::awaitable<void> {
    Pair src = co_await pair();
    {
      auto dest = net::Socket::create();
      dest->on(berth::events::error, [&](const berth::Error& e) { trace.push_back("dest error " + e.code); });
      src.peer->pipe(dest);
    }
    src.client->write("hi");
    co_await sleep(100ms);
    src.client->write("more");
    co_await sleep(100ms);
    trace.push_back("after: paused " + flag(src.peer->isPaused()) + " flowing " +
                    flag(src.peer->readableFlowing().value_or(false)) + " data " +
                    std::to_string(src.peer->listenerCount(net::events::data)) + " readableLength " +
                    std::to_string(src.peer->readableLength()));
    src.client->destroy();
    co_await sleep(50ms);
  });
  CHECK(trace == Lines{
                     "dest error ERR_SOCKET_CLOSED",
                     "after: paused true flowing false data 0 readableLength 4",
                 });
}
