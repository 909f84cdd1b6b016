#include "berth/net/socket_reader.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <catch2/catch.hpp>
#include <array>
#include <atomic>
#include <thread>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/redirect_error.hpp>
#include <asio/write.hpp>
#include <chrono>
#include <exception>
#include <string>
#include <vector>

#include "berth/net.hpp"
#include "berth/timer.hpp"
#include "net_support.hpp"

// Expected values come from Node v20's `for await (const chunk of socket)` and
// `socket.write(data, callback)` in the same scenarios.

using berth::Error;
namespace net = berth::net;
using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;

namespace {

// A server on 127.0.0.1 that treats each connection with `serve`; its port.
asio::awaitable<int> listen(const net::ServerPtr& server) {
  server->listen(0, "127.0.0.1");
  co_await berth::once(server, net::events::listening);
  co_return server->address()->port;
}

asio::awaitable<net::SocketPtr> connect_to(int port) {
  auto socket = net::createConnection(port, "127.0.0.1");
  co_await berth::once(socket, net::events::connect);
  co_return socket;
}

}  // namespace

TEST_CASE("SocketReader: chunks until the end, then the socket is destroyed (Node's for await)",
          "[net][socket_reader]") {
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    auto server = net::createServer([](const net::SocketPtr& s) {
      s->write("one");
      berth::setTimeout([s] { s->end("two"); }, 10ms);
    });
    int port = co_await listen(server);
    auto socket = co_await connect_to(port);
    net::SocketReader reader(socket);
    std::vector<std::string> got;
    while (auto chunk = co_await reader.read()) got.push_back(chunk->toString());
    CHECK(got == std::vector<std::string>{"one", "two"});
    CHECK(socket->destroyed());  // Node: true
    server->close();
  });
}

TEST_CASE("SocketReader: the socket's error is thrown after the chunks before it", "[net][socket_reader]") {
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    auto server = net::createServer([](const net::SocketPtr& s) {
      s->write("x");
      berth::setTimeout([s] { s->resetAndDestroy(); }, 20ms);
    });
    int port = co_await listen(server);
    auto socket = co_await connect_to(port);
    net::SocketReader reader(socket);
    auto first = co_await reader.read();
    REQUIRE(first);
    CHECK(first->toString() == "x");
    Error error;
    try {
      co_await reader.read();
    } catch (const Error& e) {
      error = e;
    }
    CHECK(error.code == "ECONNRESET");      // Node: ECONNRESET
    CHECK(error.message == "read ECONNRESET");  // Node: read ECONNRESET
    // The Error& form: nullopt and the error, no throw.
    Error again;
    auto none = co_await reader.read(again);
    CHECK_FALSE(none);
    server->close();
  });
}

TEST_CASE("SocketReader: a socket read by a coroutine that does not ask is paused (backpressure)",
          "[net][socket_reader]") {
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    std::string big(1 << 20, 'a');
    auto server = net::createServer([&](const net::SocketPtr& s) { s->end(big); });
    int port = co_await listen(server);
    auto socket = co_await connect_to(port);
    net::SocketReader reader(socket);
    std::size_t total = 0;
    bool first = true;
    while (auto chunk = co_await reader.read()) {
      total += chunk->size();
      if (first) {
        first = false;
        asio::steady_timer pause(co_await asio::this_coro::executor, 200ms);
        co_await pause.async_wait(asio::use_awaitable);
        // Node: bytesRead 131072, readableLength 65536, isPaused() true, readableFlowing false.
        CHECK(socket->bytesRead() <= 2 * 65536 + chunk->size());
        CHECK(socket->readableLength() <= 65536);
        CHECK(socket->isPaused());
        CHECK(socket->readableFlowing() == std::optional<bool>(false));
      }
    }
    CHECK(total == big.size());
    server->close();
  });
}

TEST_CASE("SocketReader: leaving early destroys the socket unless destroyOnReturn is false", "[net][socket_reader]") {
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    auto server = net::createServer([](const net::SocketPtr& s) { s->write("one"); });
    int port = co_await listen(server);
    auto socket = co_await connect_to(port);
    {
      net::SocketReader reader(socket);
      auto chunk = co_await reader.read();
      REQUIRE(chunk);
      CHECK(chunk->toString() == "one");
    }  // Node: a break out of for await destroys the socket
    CHECK(socket->destroyed());

    auto kept = co_await connect_to(port);
    {
      net::SocketReader reader(kept, {.destroyOnReturn = false});
      auto chunk = co_await reader.read();
      REQUIRE(chunk);
    }
    CHECK_FALSE(kept->destroyed());
    CHECK(kept->listenerCount(net::events::readable) == 0);
    kept->destroy();
    server->close();
  });
}

TEST_CASE("SocketReader: a read cancelled by || leaves the reader usable", "[net][socket_reader]") {
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    net::SocketPtr accepted;
    auto server = net::createServer([&](const net::SocketPtr& s) { accepted = s; });
    int port = co_await listen(server);
    auto socket = co_await connect_to(port);
    net::SocketReader reader(socket);
    asio::steady_timer timer(co_await asio::this_coro::executor, 20ms);
    auto winner = co_await (reader.read() || timer.async_wait(asio::use_awaitable));
    CHECK(winner.index() == 1);
    REQUIRE(accepted);
    accepted->end("late");
    auto chunk = co_await reader.read();
    REQUIRE(chunk);
    CHECK(chunk->toString() == "late");
    auto end = co_await reader.read();
    CHECK_FALSE(end);
    server->close();
  });
}

TEST_CASE("async_write completes once the write callback runs, and fails with its error", "[net][socket_reader]") {
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    std::string received;
    auto server = net::createServer([&](const net::SocketPtr& s) {
      s->on(net::events::data, [&](berth::BufferView chunk) { received += chunk.toString(); });
      s->on(net::events::end, [s] { s->end("bye"); });
    });
    int port = co_await listen(server);
    auto socket = co_await connect_to(port);
    co_await net::async_write(socket, std::string("hello "));
    co_await net::async_write(socket, berth::Buffer::from("world"));
    CHECK(socket->bytesWritten() == 11);
    socket->resume();  // consume "bye", so that 'end' and then 'close' come, as in Node
    socket->end();
    co_await berth::once(socket, net::events::close);
    CHECK(received == "hello world");
    // Node: a write after the peer ended the socket calls back with EPIPE,
    // "This socket has been ended by the other party".
    Error error;
    try {
      co_await net::async_write(socket, std::string_view("y"));
    } catch (const Error& e) {
      error = e;
    }
    CHECK_FALSE(error.code.empty());
    server->close();
  });
}

namespace berth::test {
std::size_t allocations() noexcept;  // test_event_emitter.cpp counts every allocation
}

TEST_CASE("SocketReader: a socket destroyed before its end ends the reading with ERR_STREAM_PREMATURE_CLOSE",
          "[net][socket_reader]") {
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    auto server = net::createServer([](const net::SocketPtr& s) { s->write("hello"); });
    int port = co_await listen(server);
    auto socket = co_await connect_to(port);
    net::SocketReader reader(socket);
    auto chunk = co_await reader.read();
    REQUIRE(chunk);
    CHECK(chunk->toString() == "hello");
    socket->destroy();
    // Node: for await throws ERR_STREAM_PREMATURE_CLOSE "Premature close" (probe: the loop
    // destroys the socket after its first chunk).
    Error error;
    auto end = co_await reader.read(error);
    CHECK_FALSE(end);
    CHECK(error.code == "ERR_STREAM_PREMATURE_CLOSE");
    CHECK(error.message == "Premature close");
    server->close();
  });
}

TEST_CASE("SocketReader: options.signal aborts the reading and destroys the socket (Node's addAbortSignal)",
          "[net][socket_reader]") {
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    auto server = net::createServer([](const net::SocketPtr& s) { s->write("hello"); });
    int port = co_await listen(server);
    auto socket = co_await connect_to(port);
    berth::AbortController controller;
    net::SocketReaderOptions options;
    options.signal = controller.signal();
    net::SocketReader reader(socket, options);
    auto chunk = co_await reader.read_view();
    REQUIRE(chunk);
    CHECK(std::string_view(*chunk) == "hello");
    berth::setTimeout([&] { controller.abort(); }, 10ms);
    Error error;
    try {
      co_await reader.read_view();
    } catch (const Error& e) {
      error = e;
    }
    // Node: AbortError, ABORT_ERR, "The operation was aborted", socket.destroyed true.
    CHECK(error.kind == berth::ErrorKind::AbortError);
    CHECK(error.code == "ABORT_ERR");
    CHECK(error.message == "The operation was aborted");
    CHECK(socket->destroyed());
    server->close();
  });
}

TEST_CASE("SocketReader: read_view lends the same chunks as read, and the end", "[net][socket_reader]") {
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    auto server = net::createServer([](const net::SocketPtr& s) {
      s->write("one");
      berth::setTimeout([s] { s->end("two"); }, 10ms);
    });
    int port = co_await listen(server);
    auto socket = co_await connect_to(port);
    net::SocketReader reader(socket);
    std::vector<std::string> got;
    while (auto chunk = co_await reader.read_view()) got.emplace_back(std::string_view(*chunk));
    CHECK(got == std::vector<std::string>{"one", "two"});
    CHECK(socket->destroyed());
    server->close();
  });
}

TEST_CASE("SocketReader and async_write: an echo allocates nothing per message in steady state",
          "[net][socket_reader][allocations]") {
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    auto server = net::createServer([](const net::SocketPtr& s) {
      asio::co_spawn(
          berth::Loop::current().get_executor(),
          [](net::SocketPtr socket) -> asio::awaitable<void> {
            net::SocketReader reader(socket);
            Error error;
            while (auto chunk = co_await reader.read_view(error)) co_await net::async_write(socket, *chunk);
          }(s),
          asio::detached);
    });
    int port = co_await listen(server);
    // The client is a blocking socket on a thread of its own: it allocates nothing per
    // message, and Asio's per-thread recycling of the server's operations is the
    // server's alone, as in a real deployment (the counter sees both threads).
    // The loop runs only the echo while the client measures: the client wakes it at the end
    // (a post from another thread), after counting.
    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer finished(executor, asio::steady_timer::time_point::max());
    std::atomic<std::size_t> counted{0};
    std::thread client([port, &counted, &finished, executor] {
      asio::io_context io;
      asio::ip::tcp::socket socket(io);
      socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
      std::array<char, 64> out{}, in{};
      out.fill('x');
      std::size_t before = 0;
      constexpr int warm_up = 200, measured = 5000;
      for (int i = 0; i < warm_up + measured; ++i) {
        if (i == warm_up) before = berth::test::allocations();
        asio::write(socket, asio::buffer(out));
        asio::read(socket, asio::buffer(in));
      }
      counted = berth::test::allocations() - before;
      asio::post(executor, [&finished] { finished.cancel(); });
    });
    std::error_code ignored;
    co_await finished.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    client.join();
    CHECK(counted == 0);  // over 5000 round trips of 64 bytes
    server->close();
  });
}

TEST_CASE("SocketReader and async_write pending when the loop is destroyed: the coroutines are freed",
          "[net][socket_reader]") {
  // Checked by LeakSanitizer: each suspended coroutine owns its socket, and the pending
  // write's callback (held by the socket) owns the writing coroutine.
  bool reading = false, writing = false;
  {
    berth::Loop loop;
    net::ServerPtr server;
    asio::co_spawn(
        loop.get_executor(),
        [&]() -> asio::awaitable<void> {
          // Inside run() the loop is current: what is made here belongs to it.
          server = net::createServer([](const net::SocketPtr& s) { s->pause(); });  // reads nothing
          int port = co_await listen(server);
          asio::co_spawn(
              loop.get_executor(),
              [&, port]() -> asio::awaitable<void> {
                auto socket = co_await connect_to(port);
                writing = true;
                co_await net::async_write(socket, berth::Buffer::alloc(32 << 20));  // stays queued
                writing = false;
              },
              asio::detached);
          asio::co_spawn(
              loop.get_executor(),
              [&, port]() -> asio::awaitable<void> {
                auto socket = co_await connect_to(port);
                net::SocketReader reader(socket);
                reading = true;
                co_await reader.read();  // nothing comes
                reading = false;
              },
              asio::detached);
          berth::setTimeout([&] { loop.stop(); }, 300ms);
        },
        asio::detached);
    loop.run();
    CHECK(reading);
    CHECK(writing);
    server.reset();
  }  // the loop goes with both coroutines suspended: LeakSanitizer reports anything left
}

TEST_CASE("SocketReader: an echo whose write fails leaves the loop, and the socket's error reaches no one as "
          "uncaught",
          "[net][socket_reader]") {
  // Node: `for await (const chunk of socket) { try { await write(chunk) } catch { break } }`
  // with a peer that has reset the connection: the write's error rejects the await, the
  // socket's 'error' (next tick) goes to the iterator's listener, the loop breaks; nothing
  // is uncaught. (berth_coro_event_echo is this loop.)
  berth::test::run_coro_on_loop([]() -> asio::awaitable<void> {
    std::string write_error;
    bool echo_done = false;
    auto echo = [&](net::SocketPtr socket) -> asio::awaitable<void> {
      net::SocketReader reader(socket);
      Error error;
      while (auto chunk = co_await reader.read_view(error)) {
        // An answer larger than the kernel's buffers: the write is still under way when
        // the peer, at its first bytes, resets the connection; the write fails first.
        std::string answer(16 * 1024 * 1024, 'y');
        try {
          co_await net::async_write(socket, answer);
        } catch (const Error& e) {
          write_error = e.code;
          break;
        }
      }
      echo_done = true;
    };
    auto server = net::createServer([&](const net::SocketPtr& s) {
      asio::co_spawn(berth::Loop::current().get_executor(), echo(s), asio::detached);
    });
    int port = co_await listen(server);
    auto socket = co_await connect_to(port);
    socket->on(net::events::data, [socket](berth::BufferView) { socket->resetAndDestroy(); });
    socket->write("x");
    co_await berth::once(socket, net::events::close);
    asio::steady_timer settle(co_await asio::this_coro::executor, 300ms);
    co_await settle.async_wait(asio::use_awaitable);
    server->close();
    CHECK(echo_done);
    // The write fails as the kernel or the socket says: EPIPE or ECONNRESET, or
    // ERR_STREAM_DESTROYED once the socket's own read has met the reset.
    INFO("write error " << write_error);
    CHECK((write_error == "EPIPE" || write_error == "ECONNRESET" || write_error == "ERR_STREAM_DESTROYED"));
  });
}
