// Which states keep run() going: libuv's active-handle rule (HandleRef's table in
// berth/loop.hpp), pinned state by state against Node v20. Each Node answer came from
// a script that set the state up and watched whether the process exited by itself,
// with an unref'd timer as a watchdog; these tests do the same with berth: the
// watchdog fires only if the loop is still running, and then ends the state so the
// test stops either way.

#include <sys/socket.h>
#include <unistd.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <catch2/catch.hpp>
#include <array>
#include <optional>

#include "berth/acceptor.hpp"
#include "berth/connect.hpp"
#include "berth/net.hpp"
#include "berth/timer.hpp"
#include "net_support.hpp"

using namespace berth;
using namespace std::chrono_literals;
using berth::test::run_loop;

namespace {

// Node's watchdog: an unref'd timer. It fires only while something else keeps the loop
// running; `end_state` then ends what kept it, so run() returns in both outcomes.
struct Watchdog {
  bool fired = false;
  TimerPtr timer;
  void arm(std::function<void()> end_state, std::chrono::milliseconds after) {
    timer = setTimeout([this, end_state = std::move(end_state)] {
      fired = true;
      end_state();
    }, after);
    timer->unref();
  }
  ~Watchdog() {
    if (timer) timer->close();
  }
};

// A state Node says ends the process: the watchdog gets long enough never to fire on a
// busy machine. A state Node says keeps it going: the watchdog ends it soon.
constexpr auto kNotAlive = 3000ms;
constexpr auto kAlive = 100ms;

// Holds the accepted sockets for the test (berth destroys a socket nobody holds; Node
// keeps it while its handle is open) and destroys them at the end.
struct Peers {
  std::vector<net::SocketPtr> all;
  Peers() = default;
  Peers(const Peers&) = delete;
  Peers& operator=(const Peers&) = delete;
  ~Peers() {
    for (auto& s : all) s->destroy();
    try {
      run_loop(10s);
    } catch (...) {
    }
  }
};

// An unref'd server on 127.0.0.1 whose accepted sockets are unref'd too, so only the
// client under test can keep the loop going.
net::ServerPtr unref_server(Peers& peers, std::function<void(const net::SocketPtr&)> on_connection = {},
                            net::ServerOptions options = {}) {
  auto server = net::createServer(options, [&peers, on_connection](const net::SocketPtr& c) {
    peers.all.push_back(c);
    c->unref();
    if (on_connection) on_connection(c);
  });
  server->unref();
  return server;
}

int port_of(const net::ServerPtr& server) { return server->address()->port; }

}  // namespace

// ---- net::Socket ------------------------------------------------------------

TEST_CASE("a connected socket that reads keeps the loop alive", "[loop][alive]") {
  Peers peers;
  Watchdog watchdog;
  net::SocketPtr client;
  auto server = unref_server(peers, {}, {.pauseOnConnect = true});
  server->listen(0, "127.0.0.1", [&] {
    client = net::connect(port_of(server), "127.0.0.1");
    watchdog.arm([&] { client->destroy(); }, kAlive);
  });
  run_loop(10s);
  CHECK(watchdog.fired);  // Node: alive
}

TEST_CASE("a socket paused before it connected does not keep the loop alive", "[loop][alive]") {
  Peers peers;
  // Node's test-net-connect-paused-connection.js
  Watchdog watchdog;
  net::SocketPtr client;
  bool connected = false;
  auto server = unref_server(peers);
  server->listen(0, "127.0.0.1", [&] {
    client = net::connect(port_of(server), "localhost", [&] { connected = true; });
    client->pause();
    watchdog.arm([&] { client->destroy(); }, kNotAlive);
  });
  run_loop(10s);
  CHECK(connected);  // connecting kept it alive
  CHECK_FALSE(watchdog.fired);  // Node: exits once connected and paused
}

TEST_CASE("pausing a socket that is already reading keeps it reading, and the loop alive", "[loop][alive]") {
  // Node v20's net.Socket stops its handle on pause() only with `onread`: otherwise it
  // reads on into the buffer up to the high water mark, so the handle stays active and
  // the process stays up (probed: the unref'd watchdog fires).
  Peers peers;
  Watchdog watchdog;
  net::SocketPtr client;
  auto& loop = Loop::current();
  std::size_t refs_reading = 0, refs_paused = 0, refs_resumed = 0;
  auto server = unref_server(peers, {}, {.pauseOnConnect = true});
  server->listen(0, "127.0.0.1", [&] {
    client = net::connect(port_of(server), "127.0.0.1", [&] {
      // As in Node, reading starts after the 'connect' listeners.
      loop.nextTick([&] {
        refs_reading = loop.ref_count();
        client->pause();
        refs_paused = loop.ref_count();
        client->resume();
        refs_resumed = loop.ref_count();
        client->pause();
        watchdog.arm([&] { client->destroy(); }, kNotAlive);
      });
    });
  });
  run_loop(10s);
  CHECK(refs_paused == refs_reading);
  CHECK(refs_resumed == refs_reading);
  CHECK(watchdog.fired);  // Node: still alive
}

TEST_CASE("a paused socket with a write in flight keeps the loop alive until the write completes",
          "[loop][alive]") {
  Peers peers;
  Watchdog watchdog;
  net::SocketPtr client, peer;
  bool written = false;
  std::size_t peer_got = 0;
  const std::size_t size = 32 << 20;  // more than the kernel buffers: the write stays pending
  auto server = unref_server(peers, [&](const net::SocketPtr& c) { peer = c; }, {.pauseOnConnect = true});
  server->listen(0, "127.0.0.1", [&] {
    client = net::connect(port_of(server), "127.0.0.1", [&] {
      client->pause();
      client->write(Buffer::alloc(size), [&](const Error& e) {
        CHECK_FALSE(e);
        written = true;
      });
      // Once the watchdog saw the loop alive, the peer drains the data; the write
      // completes and then nothing keeps the loop going.
      watchdog.arm([&] {
        REQUIRE(peer);
        peer->on(net::events::data, [&](BufferView chunk) { peer_got += chunk.size(); });
        peer->resume();
      }, kAlive);
    });
  });
  run_loop(20s);
  CHECK(watchdog.fired);  // Node: alive while the write is pending
  CHECK(written);
}

TEST_CASE("a write in flight keeps the loop alive even on an unref'd socket", "[loop][alive]") {
  Peers peers;
  Watchdog watchdog;
  net::SocketPtr client;
  auto server = unref_server(peers, {}, {.pauseOnConnect = true});
  server->listen(0, "127.0.0.1", [&] {
    client = net::connect(port_of(server), "127.0.0.1", [&] {
      client->unref();
      client->write(Buffer::alloc(32 << 20));
      watchdog.arm([&] { client->destroy(); }, kAlive);
    });
  });
  run_loop(20s);
  CHECK(watchdog.fired);  // Node: a write request keeps it alive whatever ref says
}

TEST_CASE("an unref'd socket keeps the loop alive while it connects, not after", "[loop][alive]") {
  Peers peers;
  Watchdog watchdog;
  net::SocketPtr client;
  bool connected = false;
  auto server = unref_server(peers, {}, {.pauseOnConnect = true});
  server->listen(0, "127.0.0.1", [&] {
    client = net::connect(port_of(server), "localhost", [&] { connected = true; });
    client->unref();
    watchdog.arm([&] { client->destroy(); }, kNotAlive);
  });
  run_loop(10s);
  CHECK(connected);             // Node: the connect request keeps it alive
  CHECK_FALSE(watchdog.fired);  // then the unref'd reading socket does not
}

TEST_CASE("a paused socket that ends keeps the loop alive until 'finish', not after", "[loop][alive]") {
  Peers peers;
  Watchdog watchdog;
  net::SocketPtr client;
  bool finished = false;
  auto server = unref_server(peers, {}, {.pauseOnConnect = true});
  server->listen(0, "127.0.0.1", [&] {
    client = net::connect(port_of(server), "127.0.0.1", [&] {
      client->pause();
      client->end([&] { finished = true; });
      watchdog.arm([&] { client->destroy(); }, kNotAlive);
    });
  });
  run_loop(10s);
  CHECK(finished);
  CHECK_FALSE(watchdog.fired);  // Node: exits after 'finish'
}

TEST_CASE("a socket ending with data still in flight keeps the loop alive", "[loop][alive]") {
  Peers peers;
  Watchdog watchdog;
  net::SocketPtr client, peer;
  bool finished = false;
  auto server = unref_server(peers, [&](const net::SocketPtr& c) { peer = c; }, {.pauseOnConnect = true});
  server->listen(0, "127.0.0.1", [&] {
    client = net::connect(port_of(server), "127.0.0.1", [&] {
      client->pause();
      client->on(net::events::finish, [&] { finished = true; });
      client->end(Buffer::alloc(32 << 20));
      watchdog.arm([&] {
        REQUIRE(peer);
        peer->on(net::events::data, [](BufferView) {});
        peer->resume();
      }, kAlive);
    });
  });
  run_loop(20s);
  CHECK(watchdog.fired);  // Node: alive while the data and the shutdown are pending
  CHECK(finished);
}

TEST_CASE("after 'end' a half-open socket does not keep the loop alive", "[loop][alive]") {
  Peers peers;
  Watchdog watchdog;
  net::SocketPtr client;
  bool ended = false;
  auto server = unref_server(peers, [](const net::SocketPtr& c) { c->end(); });
  server->listen(0, "127.0.0.1", [&] {
    net::ConnectOptions options;
    options.port = port_of(server);
    options.host = "127.0.0.1";
    options.allowHalfOpen = true;
    client = net::connect(options);
    client->on(net::events::end, [&] { ended = true; });
    client->resume();
    watchdog.arm([&] { client->destroy(); }, kNotAlive);
  });
  run_loop(10s);
  CHECK(ended);
  CHECK_FALSE(client->destroyed());  // still writable: only reading stopped
  CHECK_FALSE(watchdog.fired);       // Node: exits
  client->destroy();
  run_loop(10s);
}

TEST_CASE("after 'end' a socket without allowHalfOpen closes and the loop ends", "[loop][alive]") {
  Peers peers;
  Watchdog watchdog;
  net::SocketPtr client;
  bool closed = false;
  auto server = unref_server(peers, [](const net::SocketPtr& c) { c->end(); });
  server->listen(0, "127.0.0.1", [&] {
    client = net::connect(port_of(server), "127.0.0.1");
    client->on(net::events::close, [&](bool) { closed = true; });
    client->resume();
    watchdog.arm([&] { client->destroy(); }, kNotAlive);
  });
  run_loop(10s);
  CHECK(closed);
  CHECK_FALSE(watchdog.fired);
}

TEST_CASE("a destroyed socket does not keep the loop alive", "[loop][alive]") {
  Peers peers;
  Watchdog watchdog;
  net::SocketPtr client;
  bool closed = false;
  auto server = unref_server(peers, {}, {.pauseOnConnect = true});
  server->listen(0, "127.0.0.1", [&] {
    client = net::connect(port_of(server), "127.0.0.1", [&] { client->destroy(); });
    client->on(net::events::close, [&](bool) { closed = true; });
    watchdog.arm([&] {}, kNotAlive);
  });
  run_loop(10s);
  CHECK(closed);
  CHECK_FALSE(watchdog.fired);
}

TEST_CASE("an onread callback returning false stops the socket keeping the loop alive", "[loop][alive]") {
  Peers peers;
  for (bool keep_reading : {false, true}) {
    DYNAMIC_SECTION("callback returns " << keep_reading) {
      Watchdog watchdog;
      net::SocketPtr client;
      std::array<std::uint8_t, 100> storage{};
      std::size_t got = 0;
      auto server = unref_server(peers, [](const net::SocketPtr& c) { c->write("hello"); });
      server->listen(0, "127.0.0.1", [&] {
        net::ConnectOptions options;
        options.port = port_of(server);
        options.host = "127.0.0.1";
        options.onread = net::OnRead{std::span<std::uint8_t>(storage), {},
                                     [&](std::size_t n, std::span<std::uint8_t>) {
                                       got += n;
                                       return keep_reading;
                                     }};
        client = net::connect(options);
        watchdog.arm([&] { client->destroy(); }, keep_reading ? kAlive : kNotAlive);
      });
      run_loop(10s);
      CHECK(got == 5);
      CHECK(watchdog.fired == keep_reading);  // Node: false exits, true stays alive
    }
  }
}

TEST_CASE("a socket reading nothing at highWaterMark with no consumer does not keep the loop alive",
          "[loop][alive]") {
  Peers peers;
  Watchdog watchdog;
  net::SocketPtr client;
  auto server = unref_server(peers, [](const net::SocketPtr& c) { c->write(Buffer::alloc(1 << 20)); });
  server->listen(0, "127.0.0.1", [&] {
    client = net::connect(port_of(server), "127.0.0.1");  // no 'data' listener, not flowing
    watchdog.arm([&] { client->destroy(); }, kNotAlive);
  });
  run_loop(10s);
  CHECK_FALSE(watchdog.fired);  // Node: exits once the buffer is full
}

TEST_CASE("a socket over an fd with readable:false does not keep the loop alive, readable:true does",
          "[loop][alive]") {
  for (bool readable : {false, true}) {
    DYNAMIC_SECTION("readable " << readable) {
      int fds[2];
      REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
      Watchdog watchdog;
      net::SocketOptions options;
      options.fd = fds[0];
      options.readable = readable;
      auto socket = net::Socket::create(options);
      CHECK(socket->readable() == readable);
      watchdog.arm([&] { socket->destroy(); }, readable ? kAlive : kNotAlive);
      run_loop(10s);
      CHECK(watchdog.fired == readable);  // Node: false exits, true stays alive
      socket->destroy();
      run_loop(10s);
      ::close(fds[1]);
    }
  }
}

TEST_CASE("an accepted socket paused on connect does not keep the loop alive, a reading one does",
          "[loop][alive]") {
  for (bool pause_on_connect : {true, false}) {
    DYNAMIC_SECTION("pauseOnConnect " << pause_on_connect) {
      Watchdog watchdog;
      net::SocketPtr client, accepted;
      auto server = net::createServer({.pauseOnConnect = pause_on_connect},
                                      [&](const net::SocketPtr& c) { accepted = c; });
      server->unref();
      server->listen(0, "127.0.0.1", [&] {
        client = net::connect(port_of(server), "127.0.0.1", [&] { client->unref(); });
        watchdog.arm([&] { client->destroy(); }, pause_on_connect ? kNotAlive : kAlive);
      });
      run_loop(10s);
      CHECK(accepted);
      CHECK(watchdog.fired == !pause_on_connect);
      if (accepted) accepted->destroy();
      run_loop(10s);
    }
  }
}

TEST_CASE("a socket that never connected does not keep the loop alive", "[loop][alive]") {
  auto socket = net::Socket::create();
  CHECK(Loop::current().ref_count() == 0);
  run_loop(10s);
  CHECK_FALSE(socket->destroyed());
}

// ---- net::Server ------------------------------------------------------------

TEST_CASE("a listening server keeps the loop alive until closed or unref'd", "[loop][alive]") {
  SECTION("listening") {
    Watchdog watchdog;
    auto server = net::createServer();
    server->listen(0, "127.0.0.1");
    watchdog.arm([&] { server->close(); }, kAlive);
    run_loop(10s);
    CHECK(watchdog.fired);
  }
  SECTION("closed") {
    Watchdog watchdog;
    bool closed = false;
    auto server = net::createServer();
    server->listen(0, "127.0.0.1", [&] { server->close([&](const Error&) { closed = true; }); });
    watchdog.arm([&] { server->close(); }, kNotAlive);
    run_loop(10s);
    CHECK(closed);
    CHECK_FALSE(watchdog.fired);
  }
  SECTION("unref'd after listen") {
    Watchdog watchdog;
    auto server = net::createServer();
    server->listen(0, "127.0.0.1").unref();
    watchdog.arm([&] { server->close(); }, kNotAlive);
    run_loop(10s);
    CHECK_FALSE(watchdog.fired);
    server->close();
  }
  SECTION("unref'd before listen") {
    Watchdog watchdog;
    auto server = net::createServer();
    server->unref().listen(0, "127.0.0.1");
    watchdog.arm([&] { server->close(); }, kNotAlive);
    run_loop(10s);
    CHECK_FALSE(watchdog.fired);
    server->close();
  }
  SECTION("ref'd again") {
    Watchdog watchdog;
    auto server = net::createServer();
    server->listen(0, "127.0.0.1").unref().ref();
    watchdog.arm([&] { server->close(); }, kAlive);
    run_loop(10s);
    CHECK(watchdog.fired);
  }
  run_loop(10s);  // lets a closed server's handlers finish
}

// ---- the core: Stream, Acceptor, HandleRef ------------------------------------

namespace {

struct CorePair {
  std::optional<Stream> client;
  std::optional<Stream> server;
};

// Connects a pair on `loop` and runs until both ends exist; the acceptor is closed.
CorePair core_pair(Loop& loop) {
  CorePair pair;
  Acceptor acceptor(loop.get_executor());
  acceptor.listen({.host = "127.0.0.1"});
  int port = acceptor.address()->port;
  asio::co_spawn(loop.context(), [&]() -> asio::awaitable<void> {
    pair.client.emplace(co_await connect("127.0.0.1", port));
  }, asio::detached);
  asio::co_spawn(loop.context(), [&]() -> asio::awaitable<void> {
    pair.server.emplace(co_await acceptor.accept());
    acceptor.close();
  }, asio::detached);
  loop.run();
  return pair;
}

}  // namespace

TEST_CASE("an idle open Stream does not keep the loop alive, one with a read pending does", "[loop][alive]") {
  Loop loop;
  CorePair pair = core_pair(loop);  // run() returned: the idle pair did not hold it
  REQUIRE(pair.client);
  REQUIRE(pair.server);
  CHECK(pair.client->is_open());
  CHECK(loop.ref_count() == 0);
  CHECK_FALSE(pair.client->active());

  std::size_t got = 99;
  std::array<char, 8> buffer{};
  asio::co_spawn(loop.context(), [&]() -> asio::awaitable<void> {
    got = co_await pair.client->read_some(asio::buffer(buffer));
  }, asio::detached);
  loop.context().restart();
  loop.context().poll();  // the read starts and waits
  CHECK(pair.client->active());
  CHECK(loop.ref_count() == 1);
  pair.client->unref();
  CHECK(loop.ref_count() == 0);
  pair.client->ref();
  CHECK(loop.ref_count() == 1);
  // The peer answers once the loop runs: run() waits for the read, then returns.
  asio::co_spawn(loop.context(), [&]() -> asio::awaitable<void> {
    co_await pair.server->write(asio::buffer("hi", 2));
  }, asio::detached);
  loop.run();
  CHECK(got == 2);
  CHECK(loop.ref_count() == 0);
  CHECK_FALSE(pair.client->active());
}

TEST_CASE("wait_readable and read_exactly keep a Stream active while pending", "[loop][alive]") {
  Loop loop;
  CorePair pair = core_pair(loop);
  REQUIRE(pair.client);
  bool waited = false, read_all = false;
  std::array<char, 4> buffer{};
  asio::co_spawn(loop.context(), [&]() -> asio::awaitable<void> {
    std::error_code ec;
    co_await pair.client->wait_readable(ec);
    waited = !ec;
    co_await pair.client->read_exactly(asio::buffer(buffer));
    read_all = true;
  }, asio::detached);
  loop.context().restart();
  loop.context().poll();
  CHECK(loop.ref_count() == 1);
  asio::co_spawn(loop.context(), [&]() -> asio::awaitable<void> {
    co_await pair.server->write(asio::buffer("ab", 2));
    asio::steady_timer later(co_await asio::this_coro::executor, 20ms);
    co_await later.async_wait(asio::use_awaitable);  // not a handle: only the read holds run()
    co_await pair.server->write(asio::buffer("cd", 2));
  }, asio::detached);
  loop.run();
  CHECK(waited);
  CHECK(read_all);
  CHECK(std::string(buffer.data(), 4) == "abcd");
  CHECK(loop.ref_count() == 0);
}

TEST_CASE("a pending Stream write keeps the loop alive even when unref'd", "[loop][alive]") {
  Loop loop;
  CorePair pair = core_pair(loop);
  REQUIRE(pair.client);
  pair.client->unref();
  std::vector<std::uint8_t> data(32 << 20);
  std::size_t written = 0;
  asio::co_spawn(loop.context(), [&]() -> asio::awaitable<void> {
    written = co_await pair.client->write(asio::buffer(data));
  }, asio::detached);
  loop.context().restart();
  loop.context().poll();
  CHECK(written == 0);
  CHECK(loop.ref_count() == 1);  // a request: counted whatever the ref
  // The peer drains it; the write completes and run() returns.
  asio::co_spawn(loop.context(), [&]() -> asio::awaitable<void> {
    std::vector<std::uint8_t> sink(1 << 16);
    std::size_t total = 0;
    while (total < data.size()) total += co_await pair.server->read_some(asio::buffer(sink));
  }, asio::detached);
  loop.run();
  CHECK(written == data.size());
  CHECK(loop.ref_count() == 0);
}

TEST_CASE("a Stream closed, moved or destroyed with a read pending leaves the count right", "[loop][alive]") {
  Loop loop;
  SECTION("closed") {
    CorePair pair = core_pair(loop);
    Error error;
    asio::co_spawn(loop.context(), [&]() -> asio::awaitable<void> {
      std::array<char, 4> buffer{};
      co_await pair.client->read_some(asio::buffer(buffer), error);
    }, asio::detached);
    loop.context().restart();
  loop.context().poll();
    CHECK(loop.ref_count() == 1);
    pair.client->close();
    loop.run();  // the cancelled read completes
    CHECK(error);
    CHECK(loop.ref_count() == 0);
  }
  SECTION("moved, then destroyed") {
    CorePair pair = core_pair(loop);
    std::error_code ec;
    asio::co_spawn(loop.context(), [&]() -> asio::awaitable<void> {
      co_await pair.client->wait_readable(ec);
    }, asio::detached);
    loop.context().restart();
  loop.context().poll();
    CHECK(loop.ref_count() == 1);
    std::optional<Stream> moved(std::move(*pair.client));
    CHECK(loop.ref_count() == 1);  // the activity moved with the handle
    CHECK(moved->active());
    moved->unref();
    CHECK(loop.ref_count() == 0);
    moved->ref();
    moved.reset();  // destroyed with the wait pending
    CHECK(loop.ref_count() == 0);
    loop.run();
    CHECK(ec);
    CHECK(loop.ref_count() == 0);
  }
}

TEST_CASE("HandleRef: active while activated or while an Activity lives, requests ignore unref",
          "[loop][alive]") {
  Loop loop;
  HandleRef handle(loop.get_executor());
  CHECK(loop.ref_count() == 0);
  {
    HandleRef::Activity a(handle);
    HandleRef::Activity b(handle);
    CHECK(loop.ref_count() == 1);
    HandleRef::Activity moved(std::move(a));
    CHECK(loop.ref_count() == 1);
    handle.unref();
    CHECK(loop.ref_count() == 0);
    handle.ref();
    CHECK(loop.ref_count() == 1);
  }
  CHECK(loop.ref_count() == 0);
  handle.activate();
  CHECK(loop.ref_count() == 1);
  {
    HandleRef::Activity a(handle);
    handle.deactivate();
    CHECK(loop.ref_count() == 1);  // the activity still holds it
  }
  CHECK(loop.ref_count() == 0);
  handle.unref();
  {
    auto request = handle.request();
    CHECK(loop.ref_count() == 1);
    auto moved = std::move(request);
    CHECK(loop.ref_count() == 1);
  }
  CHECK(loop.ref_count() == 0);
  std::optional<HandleRef::Activity> outliving;
  {
    HandleRef shortlived(loop.get_executor());
    outliving.emplace(shortlived);
    CHECK(loop.ref_count() == 1);
  }
  CHECK(loop.ref_count() == 0);
  outliving.reset();  // harmless once its handle is gone
  CHECK(loop.ref_count() == 0);
}

TEST_CASE("a listening Acceptor is active until closed", "[loop][alive]") {
  Loop loop;
  Acceptor acceptor(loop.get_executor());
  CHECK(loop.ref_count() == 0);
  acceptor.listen({.host = "127.0.0.1"});
  CHECK(loop.ref_count() == 1);
  acceptor.close();
  CHECK(loop.ref_count() == 0);
}
