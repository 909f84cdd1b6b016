#include "berth/stream.hpp"

#include <netinet/tcp.h>
#include <sys/socket.h>

#include <asio/cancellation_signal.hpp>
#include <asio/bind_cancellation_slot.hpp>
#include <asio/co_spawn.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/this_coro.hpp>
#include <catch2/catch.hpp>
#include <array>
#include <numeric>
#include <vector>

#include "berth/acceptor.hpp"
#include "berth/connect.hpp"
#include "berth/timeout.hpp"
#include "support.hpp"

// Catch2's CHECK must not contain co_await: await into a variable, then check it.

using berth::Acceptor;
using berth::Error;
using berth::Stream;
using berth::test::run_coro;

namespace {

struct Pair {
  Stream client;
  Stream server;
};

// A connected pair over the given listen options (TCP or Unix).
asio::awaitable<Pair> connected_pair(berth::ListenOptions listen, std::string connect_host = "127.0.0.1") {
  auto ex = co_await asio::this_coro::executor;
  Acceptor acceptor(ex);
  acceptor.listen(listen);
  berth::ConnectOptions options;
  if (listen.path) options.path = listen.path;
  else {
    options.host = connect_host;
    options.port = acceptor.address()->port;
  }
  auto client = co_await berth::connect(options);
  auto server = co_await acceptor.accept();
  co_return Pair{std::move(client), std::move(server)};
}

// g++ 12 mis-destroys an aggregate temporary built inside a co_await expression,
// so the options are built here rather than at each call site.
asio::awaitable<Pair> connected_pair(std::string listen_host) {
  berth::ListenOptions listen;
  listen.host = std::move(listen_host);
  co_return co_await connected_pair(listen, *listen.host);
}

std::uint64_t fnv1a(const std::uint8_t* p, std::size_t n, std::uint64_t h = 1469598103934665603ull) {
  for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

}  // namespace

TEST_CASE("streams connect and exchange bytes over IPv4, IPv6, dual-stack and Unix", "[stream]") {
  berth::test::TempDir dir;
  struct Case { berth::ListenOptions listen; std::string host; const char* family; };
  std::vector<Case> cases = {
      {{.host = "127.0.0.1"}, "127.0.0.1", "IPv4"},
      {{.host = "::1"}, "::1", "IPv6"},
      {{}, "127.0.0.1", "IPv6"},  // dual-stack: the server sees ::ffff:127.0.0.1
      {{.path = dir.file("pair.sock")}, "", ""},
  };
  for (auto& c : cases) {
    run_coro([&]() -> asio::awaitable<void> {
      auto [client, server] = co_await connected_pair(c.listen, c.host);
      co_await client.write(asio::buffer(std::string_view("ping")));
      std::array<char, 4> buf{};
      co_await server.read_exactly(asio::buffer(buf));
      CHECK(std::string_view(buf.data(), 4) == "ping");
      co_await server.write(asio::buffer(std::string_view("pong")));
      co_await client.read_exactly(asio::buffer(buf));
      CHECK(std::string_view(buf.data(), 4) == "pong");
      CHECK(server.local_address()->family == c.family);
      if (c.listen.path) {
        CHECK(server.remote_address()->address.empty());
      } else {
        CHECK(server.remote_address()->port == client.local_address()->port);
        if (!c.listen.host) CHECK(server.remote_address()->address == "::ffff:127.0.0.1");
      }
    });
  }
}

TEST_CASE("half-close: a FIN reads as 0 bytes while the other direction keeps flowing", "[stream]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto [client, server] = co_await connected_pair("127.0.0.1");
    client.shutdown_write();
    char buf[16];
    std::size_t n = co_await server.read_some(asio::buffer(buf));
    CHECK(n == 0);
    co_await server.write(asio::buffer(std::string_view("late")));
    std::size_t got1 = co_await client.read_exactly(asio::buffer(buf, 4));
    CHECK(got1 == 4);
    server.shutdown_write();
    std::size_t got2 = co_await client.read_some(asio::buffer(buf));
    CHECK(got2 == 0);
  });
}

TEST_CASE("the server half-closes first and the client still writes", "[stream]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto [client, server] = co_await connected_pair("127.0.0.1");
    server.shutdown_write();
    char buf[8];
    std::size_t got3 = co_await client.read_some(asio::buffer(buf));
    CHECK(got3 == 0);
    co_await client.write(asio::buffer(std::string_view("after")));
    std::size_t got4 = co_await server.read_exactly(asio::buffer(buf, 5));
    CHECK(got4 == 5);
  });
}

TEST_CASE("a peer's reset is read as ECONNRESET", "[stream]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto [client, server] = co_await connected_pair("127.0.0.1");
    server.reset();
    char buf[8];
    Error error;
    co_await client.read_some(asio::buffer(buf), error);
    CHECK(error.code == "ECONNRESET");
    CHECK(error.syscall == "read");
    CHECK(error.errnum == -104);
    CHECK(error.message == "read ECONNRESET");
  });
}

TEST_CASE("writing to a reset peer fails with EPIPE or ECONNRESET", "[stream]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto [client, server] = co_await connected_pair("127.0.0.1");
    server.reset();
    std::vector<char> block(1 << 16, 'x');
    Error error;
    for (int i = 0; i < 64 && !error; ++i) co_await client.write(asio::buffer(block), error);
    CHECK((error.code == "EPIPE" || error.code == "ECONNRESET"));
    CHECK(error.syscall == "write");
  });
}

TEST_CASE("a 16 MiB transfer arrives complete, checksummed on both ends", "[stream]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto [client, server] = co_await connected_pair("127.0.0.1");
    constexpr std::size_t total = 16u << 20;
    std::vector<std::uint8_t> data(total);
    std::uint32_t x = 12345;
    for (auto& b : data) b = static_cast<std::uint8_t>((x = x * 1103515245u + 12345u) >> 24);
    const auto sent_sum = fnv1a(data.data(), data.size());
    auto ex = co_await asio::this_coro::executor;
    asio::co_spawn(ex, [&]() -> asio::awaitable<void> {
      // Two buffers in one gather write.
      std::array<asio::const_buffer, 2> halves{asio::buffer(data.data(), total / 2),
                                               asio::buffer(data.data() + total / 2, total / 2)};
      co_await client.write(halves);
      client.shutdown_write();
    }, asio::detached);
    std::vector<std::uint8_t> buf(64 * 1024);
    std::size_t received = 0;
    std::uint64_t sum = 1469598103934665603ull;
    for (;;) {
      std::size_t n = co_await server.read_some(asio::buffer(buf));
      if (n == 0) break;
      sum = fnv1a(buf.data(), n, sum);
      received += n;
    }
    CHECK(received == total);
    CHECK(sum == sent_sum);
  }, std::chrono::seconds(60));
}

namespace {

// Reads until `total` bytes have come, each equal to `expected`; returns how many matched.
asio::awaitable<std::size_t> read_all(Stream& stream, std::size_t total, std::uint8_t expected) {
  std::vector<std::uint8_t> buf(64 * 1024);
  std::size_t received = 0, matched = 0;
  while (received < total) {
    std::size_t n = co_await stream.read_some(asio::buffer(buf));
    if (n == 0) break;
    for (std::size_t i = 0; i < n; ++i) matched += buf[i] == expected;
    received += n;
  }
  co_return matched;
}

}  // namespace

// The README's thread rule: one read and one write may be in flight at once on a Stream
// (Asio's rule for a socket: one async_read_some and one async_write at a time each).
// Both ends write 8 MiB, far more than the socket buffers hold, while they read: had the
// write had to finish before the read began, neither write could ever complete.
TEST_CASE("a Stream may have one read and one write in flight at once: 8 MiB each way at the same time",
          "[stream]") {
  run_coro([&]() -> asio::awaitable<void> {
    using namespace asio::experimental::awaitable_operators;
    Pair pair = co_await connected_pair("127.0.0.1");
    constexpr std::size_t total = 8u << 20;
    std::vector<std::uint8_t> from_client(total, 'c'), from_server(total, 's');
    auto write_all = [](Stream& stream, const std::vector<std::uint8_t>& data) -> asio::awaitable<void> {
      co_await stream.write(asio::buffer(data));
    };
    auto [client_got, server_got] = co_await (write_all(pair.client, from_client) && read_all(pair.client, total, 's') &&
                                            write_all(pair.server, from_server) && read_all(pair.server, total, 'c'));
    CHECK(client_got == total);
    CHECK(server_got == total);
  }, std::chrono::seconds(60));
}

TEST_CASE("an adopted connected descriptor works as a stream", "[stream]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
    Stream a = Stream::adopt(ex, fds[0]);
    Stream b = Stream::adopt(ex, fds[1]);
    co_await a.write(asio::buffer(std::string_view("fd")));
    char buf[2];
    co_await b.read_exactly(asio::buffer(buf));
    CHECK(std::string_view(buf, 2) == "fd");
  });
}

TEST_CASE("wait_readable then try_read takes no buffer until data is there", "[stream]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto [client, server] = co_await connected_pair("127.0.0.1");
    char buf[8];
    bool would_block = false, eof = false;
    Error error;
    CHECK(server.try_read(asio::buffer(buf), error, would_block, eof) == 0);
    CHECK(would_block);
    co_await client.write(asio::buffer(std::string_view("abc")));
    co_await server.wait_readable();
    CHECK(server.try_read(asio::buffer(buf), error, would_block, eof) == 3);
    client.shutdown_write();
    co_await server.wait_readable();
    server.try_read(asio::buffer(buf), error, would_block, eof);
    CHECK(eof);
  });
}

TEST_CASE("the std::error_code forms: Asio's codes, an Error& left alone on success", "[stream]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto [client, server] = co_await connected_pair("127.0.0.1");
    char buf[8];
    bool would_block = false, eof = false;
    std::error_code ec = asio::error::interrupted;  // every form clears it on success
    CHECK(server.try_read(asio::buffer(buf), ec, would_block, eof) == 0);
    CHECK(would_block);
    CHECK_FALSE(ec);
    ec = asio::error::interrupted;
    CHECK(client.try_write(asio::buffer(std::string_view("abcd")), ec) == 4);
    CHECK_FALSE(ec);
    co_await server.wait_readable(ec);
    CHECK_FALSE(ec);
    CHECK(server.try_read(asio::buffer(buf), ec, would_block, eof) == 4);
    CHECK(std::string_view(buf, 4) == "abcd");
    std::size_t n = co_await server.write(asio::buffer(std::string_view("xy")), ec);
    CHECK(n == 2);
    CHECK_FALSE(ec);

    // An Error that already holds a failure is cleared by the next success.
    Error error = Error::from_system(asio::error::connection_reset, "read");
    CHECK(client.try_read(asio::buffer(buf), error, would_block, eof) == 2);
    CHECK_FALSE(error);

    server.reset();
    std::vector<char> block(1 << 16, 'x');
    ec.clear();
    for (int i = 0; i < 64 && !ec; ++i) co_await client.write(asio::buffer(block), ec);
    CHECK((ec == asio::error::broken_pipe || ec == asio::error::connection_reset));
    co_await client.wait_readable(ec);  // readable at once: the reset is pending or read
    CHECK_FALSE(ec);
  });
}

TEST_CASE("with_timeout cancels a read that does not complete in time", "[stream][timeout]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto [client, server] = co_await connected_pair("127.0.0.1");
    char buf[8];
    auto start = std::chrono::steady_clock::now();
    try {
      co_await berth::with_timeout(server.read_some(asio::buffer(buf)), std::chrono::milliseconds(50));
      FAIL("the read should have timed out");
    } catch (const Error& e) {
      CHECK(e.code == "ETIMEDOUT");
    }
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
    // The stream is still usable afterwards.
    co_await client.write(asio::buffer(std::string_view("ok")));
    std::size_t got5 = co_await berth::with_timeout(server.read_exactly(asio::buffer(buf, 2)), std::chrono::seconds(5));
    CHECK(got5 == 2);
  });
}

TEST_CASE("a cancellation signal aborts a pending read with ECANCELED", "[stream][cancel]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto [client, server] = co_await connected_pair("127.0.0.1");
    asio::cancellation_signal signal;
    Error error;
    bool done = false;
    asio::co_spawn(ex, [&]() -> asio::awaitable<void> {
      char buf[8];
      co_await server.read_some(asio::buffer(buf), error);
      done = true;
    }, asio::bind_cancellation_slot(signal.slot(), asio::detached));
    asio::steady_timer t(ex, std::chrono::milliseconds(20));
    co_await t.async_wait(asio::use_awaitable);
    signal.emit(asio::cancellation_type::terminal);
    t.expires_after(std::chrono::milliseconds(20));
    co_await t.async_wait(asio::use_awaitable);
    CHECK(done);
    CHECK(error.code == "ECANCELED");
  });
}

TEST_CASE("setNoDelay and setKeepAlive set the socket options Node sets", "[stream]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto [client, server] = co_await connected_pair("127.0.0.1");
    client.set_no_delay(true);
    client.set_keep_alive(true, 3);
    int fd = client.socket().native_handle();
    int v = 0;
    socklen_t len = sizeof v;
    ::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len);
    CHECK(v == 1);
    ::getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &v, &len);
    CHECK(v == 1);
    ::getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &v, &len);
    CHECK(v == 3);
    ::getsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &v, &len);
    CHECK(v == 10);
    ::getsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &v, &len);
    CHECK(v == 1);
  });
}

// Stream::write takes a string, a BufferView or Buffer, a span of bytes, or an Asio
// buffer sequence; anything else is one static_assert in berth's words (not tested
// here: it would not compile), which WritableBytes decides.
static_assert(berth::WritableBytes<std::string>);
static_assert(berth::WritableBytes<std::string_view>);
static_assert(berth::WritableBytes<char[5]>);
static_assert(berth::WritableBytes<const char*>);
static_assert(berth::WritableBytes<berth::BufferView>);
static_assert(berth::WritableBytes<berth::Buffer>);
static_assert(berth::WritableBytes<std::span<const std::byte>>);
static_assert(berth::WritableBytes<asio::const_buffer>);
static_assert(berth::WritableBytes<std::vector<asio::const_buffer>>);
static_assert(!berth::WritableBytes<int>);
static_assert(!berth::WritableBytes<std::vector<int>>);

TEST_CASE("write takes strings, BufferView, Buffer, byte spans and buffer sequences", "[stream]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto [client, server] = co_await connected_pair("127.0.0.1");
    const std::string text = "string|";
    const std::byte raw[] = {std::byte{'s'}, std::byte{'p'}, std::byte{'a'}, std::byte{'n'}, std::byte{'|'}};
    std::vector<asio::const_buffer> gather{asio::buffer("gat", 3), asio::buffer("her|", 4)};
    std::size_t sent = 0;
    sent += co_await client.write(text);
    sent += co_await client.write(std::string("temporary|"));
    sent += co_await client.write("literal|");
    sent += co_await client.write(std::string_view("view|"));
    sent += co_await client.write(berth::BufferView("bufferview|", 11));
    sent += co_await client.write(berth::Buffer::from("buffer|"));
    sent += co_await client.write(std::span<const std::byte>(raw));
    sent += co_await client.write(gather);
    berth::Error error;
    sent += co_await client.write(std::string("error-form|"), error);
    CHECK_FALSE(error);
    std::error_code ec;
    sent += co_await client.write("code-form", ec);
    CHECK_FALSE(ec);
    const std::string expected =
        "string|temporary|literal|view|bufferview|buffer|span|gather|error-form|code-form";
    CHECK(sent == expected.size());
    std::string got(expected.size(), '\0');
    co_await server.read_exactly(asio::buffer(got));
    CHECK(got == expected);
  });
}
