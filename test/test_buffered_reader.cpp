#include "berth/buffered_reader.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "berth/acceptor.hpp"
#include "berth/connect.hpp"
#include "support.hpp"

// Catch2's CHECK must not contain co_await: await into a variable, then check it.

using berth::BufferedReader;
using berth::Error;
using berth::Stream;
using berth::test::run_coro;
using namespace std::chrono_literals;

namespace {

struct Pair {
  Stream client;
  Stream server;
};

asio::awaitable<Pair> connected_pair(berth::ListenOptions listen) {
  auto ex = co_await asio::this_coro::executor;
  berth::Acceptor acceptor(ex);
  acceptor.listen(listen);
  berth::ConnectOptions options;
  if (listen.path) {
    options.path = listen.path;
  } else {
    options.host = "127.0.0.1";
    options.port = acceptor.address()->port;
  }
  auto client = co_await berth::connect(options);
  auto server = co_await acceptor.accept();
  co_return Pair{std::move(client), std::move(server)};
}

asio::awaitable<Pair> tcp_pair() {
  berth::ListenOptions listen;
  listen.host = "127.0.0.1";
  co_return co_await connected_pair(listen);
}

asio::awaitable<void> pause(std::chrono::milliseconds ms) {
  asio::steady_timer timer(co_await asio::this_coro::executor, ms);
  co_await timer.async_wait(asio::use_awaitable);
}

// Writes each piece as its own TCP segment: no Nagle, and a pause between pieces, so the
// reader's reads end between them.
asio::awaitable<void> write_pieces(Stream& stream, std::vector<std::string> pieces, bool then_end) {
  stream.set_no_delay(true);
  for (auto& piece : pieces) {
    co_await stream.write(piece);
    co_await pause(15ms);
  }
  if (then_end) stream.shutdown_write();
}

}  // namespace

TEST_CASE("BufferedReader: a delimiter split across TCP segments is found whole", "[stream][buffered]") {
  run_coro([]() -> asio::awaitable<void> {
    auto [client, server] = co_await tcp_pair();
    auto ex = co_await asio::this_coro::executor;
    asio::co_spawn(ex, write_pieces(server, {"hel", "lo\r", "\nwor", "ld\r\n", "HEAD / HTTP/1.1\r\n\r", "\n"}, true),
                   asio::detached);
    BufferedReader reader(client);
    auto first = co_await reader.read_line();
    REQUIRE(first);
    CHECK(*first == "hello");
    auto second = co_await reader.read_line();
    REQUIRE(second);
    CHECK(*second == "world");
    // A string delimiter whose four bytes come in two segments.
    std::string head(co_await reader.read_until("\r\n\r\n"));
    CHECK(head == "HEAD / HTTP/1.1\r\n\r\n");
    auto end = co_await reader.read_line();
    CHECK_FALSE(end);
  });
}

TEST_CASE("BufferedReader: pipelined lines from one read come one per call, the rest kept", "[stream][buffered]") {
  run_coro([]() -> asio::awaitable<void> {
    auto [client, server] = co_await tcp_pair();
    co_await server.write(std::string_view("a\nbb\r\n\nccc\nrest"));
    BufferedReader reader(client);
    std::vector<std::string> lines;
    for (int i = 0; i < 4; ++i) {
      auto line = co_await reader.read_line();
      REQUIRE(line);
      lines.emplace_back(*line);
    }
    CHECK(lines == std::vector<std::string>{"a", "bb", "", "ccc"});
    CHECK(reader.buffered() == "rest");
    // A lone "\r" is data, not a line end (network line protocols end lines with "\n").
    co_await server.write(std::string_view("\rx\n"));
    auto last = co_await reader.read_line();
    REQUIRE(last);
    CHECK(*last == "rest\rx");
  });
}

TEST_CASE("BufferedReader: a delimiter that never comes fails with ENOBUFS at max_size", "[stream][buffered]") {
  run_coro([]() -> asio::awaitable<void> {
    auto [client, server] = co_await tcp_pair();
    co_await server.write(std::string(3000, 'x'));
    BufferedReader reader(client, 1024);
    Error error;
    auto line = co_await reader.read_line(error);
    CHECK_FALSE(line);
    CHECK(error.code == "ENOBUFS");
    CHECK(error.syscall == "read");
    CHECK(error.message == "read ENOBUFS: no delimiter in the first 1024 bytes (the read's max_size)");
    CHECK(error.ec == asio::error::not_found);
    // Memory stayed bounded: no more than max_size bytes were taken from the stream.
    CHECK(reader.buffered().size() == 1024);
    // The throwing form throws the same error.
    bool threw = false;
    try {
      co_await reader.read_until(std::string_view("\r\n"));
    } catch (const Error& e) {
      threw = e.code == "ENOBUFS";
    }
    CHECK(threw);
  });
}

TEST_CASE("BufferedReader: end of stream in the middle of a line gives the partial line, then the end",
          "[stream][buffered]") {
  // Node's readline over the same bytes ("abc\r\n" then end("def")) emits "abc", "def", 'close'.
  run_coro([]() -> asio::awaitable<void> {
    auto [client, server] = co_await tcp_pair();
    auto ex = co_await asio::this_coro::executor;
    asio::co_spawn(ex, write_pieces(server, {"abc\r\n", "def"}, true), asio::detached);
    BufferedReader reader(client);
    auto a = co_await reader.read_line();
    REQUIRE(a);
    CHECK(*a == "abc");
    auto d = co_await reader.read_line();
    REQUIRE(d);
    CHECK(*d == "def");
    auto end = co_await reader.read_line();
    CHECK_FALSE(end);
    auto again = co_await reader.read_line();  // the end stays the end
    CHECK_FALSE(again);
  });
  // read_until: the bytes without the delimiter, then an empty view.
  run_coro([]() -> asio::awaitable<void> {
    auto [client, server] = co_await tcp_pair();
    co_await server.write(std::string_view("k1;k2"));
    server.shutdown_write();
    BufferedReader reader(client);
    std::string one(co_await reader.read_until(';'));
    std::string two(co_await reader.read_until(';'));
    std::string three(co_await reader.read_until(';'));
    CHECK(one == "k1;");
    CHECK(two == "k2");
    CHECK(three.empty());
  });
}

TEST_CASE("BufferedReader: a 1 MiB line", "[stream][buffered]") {
  run_coro([]() -> asio::awaitable<void> {
    auto [client, server] = co_await tcp_pair();
    auto ex = co_await asio::this_coro::executor;
    std::string line(1 << 20, '\0');
    for (std::size_t i = 0; i < line.size(); ++i) line[i] = static_cast<char>('a' + i % 26);
    std::string sent = line + "\r\nnext\n";
    asio::co_spawn(
        ex, [&]() -> asio::awaitable<void> { co_await server.write(sent); }, asio::detached);
    BufferedReader reader(client, 2 << 20);
    auto got = co_await reader.read_line();
    REQUIRE(got);
    CHECK(got->size() == line.size());
    CHECK(*got == line);
    auto next = co_await reader.read_line();
    REQUIRE(next);
    CHECK(*next == "next");
  });
  // The default limit (64 KiB) refuses it.
  run_coro([]() -> asio::awaitable<void> {
    auto [client, server] = co_await tcp_pair();
    auto ex = co_await asio::this_coro::executor;
    std::string sent(1 << 20, 'z');
    sent += '\n';
    asio::co_spawn(
        ex, [&]() -> asio::awaitable<void> {
          Error ignored;
          co_await server.write(sent, ignored);
        },
        asio::detached);
    BufferedReader reader(client);
    Error error;
    auto got = co_await reader.read_line(error);
    CHECK_FALSE(got);
    CHECK(error.code == "ENOBUFS");
    CHECK(reader.buffered().size() == berth::default_read_limit);
    client.close();
  });
}

TEST_CASE("BufferedReader: read_exactly after a header line takes the buffered bytes first", "[stream][buffered]") {
  run_coro([]() -> asio::awaitable<void> {
    auto [client, server] = co_await tcp_pair();
    auto ex = co_await asio::this_coro::executor;
    // A RESP bulk string, its body split from its header by a segment boundary.
    asio::co_spawn(ex, write_pieces(server, {"$11\r\nhello", " world\r\n+OK\r\n", "$4\r\nab"}, true), asio::detached);
    BufferedReader reader(client);
    auto header = co_await reader.read_line();
    REQUIRE(header);
    CHECK(*header == "$11");
    std::string body(co_await reader.read_exactly(11));
    CHECK(body == "hello world");
    std::string crlf(co_await reader.read_exactly(2));
    CHECK(crlf == "\r\n");
    auto ok = co_await reader.read_line();
    REQUIRE(ok);
    CHECK(*ok == "+OK");
    auto header2 = co_await reader.read_line();
    REQUIRE(header2);
    CHECK(*header2 == "$4");
    // The FIN comes after 2 of 4 bytes.
    Error error;
    auto short_body = co_await reader.read_exactly(4, error);
    CHECK(short_body.empty());
    CHECK(error.code == "EOF");
    CHECK(error.message == "end of stream after 2 of 4 bytes");
    CHECK(reader.buffered() == "ab");
  });
}

TEST_CASE("BufferedReader: read_some drains buffered bytes before reading the stream", "[stream][buffered]") {
  run_coro([]() -> asio::awaitable<void> {
    auto [client, server] = co_await tcp_pair();
    co_await server.write(std::string_view("line\npayload"));
    BufferedReader reader(client);
    auto line = co_await reader.read_line();
    REQUIRE(line);
    CHECK(*line == "line");
    char data[4];
    std::size_t n = co_await reader.read_some(asio::buffer(data));
    CHECK(std::string_view(data, n) == "payl");
    n = co_await reader.read_some(asio::buffer(data));
    CHECK(std::string_view(data, n) == "oad");
    CHECK(reader.buffered().empty());
    co_await server.write(std::string_view("more"));
    n = co_await reader.read_some(asio::buffer(data));
    CHECK(std::string_view(data, n) == "more");
    server.shutdown_write();
    n = co_await reader.read_some(asio::buffer(data));
    CHECK(n == 0);
  });
}

TEST_CASE("BufferedReader: an empty delimiter is ERR_INVALID_ARG_VALUE", "[stream][buffered]") {
  run_coro([]() -> asio::awaitable<void> {
    auto [client, server] = co_await tcp_pair();
    BufferedReader reader(client);
    Error error;
    auto piece = co_await reader.read_until(std::string_view(), error);
    CHECK(piece.empty());
    CHECK(error.code == "ERR_INVALID_ARG_VALUE");
    CHECK(error.kind == berth::ErrorKind::TypeError);
    std::string buffer;
    Error stream_error;
    co_await client.read_until(buffer, "", stream_error);
    CHECK(stream_error.code == "ERR_INVALID_ARG_VALUE");
  });
}

TEST_CASE("BufferedReader: a reset peer's error comes out with syscall read", "[stream][buffered]") {
  run_coro([]() -> asio::awaitable<void> {
    auto [client, server] = co_await tcp_pair();
    co_await server.write(std::string_view("partial"));
    co_await pause(20ms);
    server.reset();
    BufferedReader reader(client);
    Error error;
    auto line = co_await reader.read_line(error);
    CHECK_FALSE(line);
    CHECK(error.code == "ECONNRESET");
    CHECK(error.syscall == "read");
  });
}

TEST_CASE("Stream::read_until grows a std::string or a byte vector and leaves the rest in it", "[stream][buffered]") {
  berth::test::TempDir dir;
  run_coro([&]() -> asio::awaitable<void> {
    berth::ListenOptions listen;
    listen.path = dir.file("until.sock");
    auto [client, server] = co_await connected_pair(listen);
    co_await server.write(std::string_view("GET / HTTP/1.1\r\nHost: x\r\n\r\nbody"));
    std::string text;
    std::size_t n = co_await client.read_until(text, std::string_view("\r\n\r\n"));
    CHECK(n == 27);
    CHECK(text == "GET / HTTP/1.1\r\nHost: x\r\n\r\nbody");  // "body" stays after the delimiter
    text.erase(0, n);
    // Bytes already in the buffer are searched before the stream is read.
    co_await server.write(std::string_view("!tail"));
    n = co_await client.read_until(text, '!');
    CHECK(n == 5);
    CHECK(text.substr(0, n) == "body!");

    std::vector<std::byte> bytes;
    co_await server.write(std::string_view("12345"));
    std::size_t got = co_await client.read_exactly(bytes, 3);
    CHECK(got == 3);
    CHECK(bytes.size() == 3);  // transfer_exactly: not a byte more taken from the stream
    CHECK(static_cast<char>(bytes[0]) == '1');
    CHECK(static_cast<char>(bytes[2]) == '3');

    std::vector<char> chars;
    server.shutdown_write();
    Error error;
    n = co_await client.read_until(chars, '\n', error, 16);
    CHECK(!error);
    CHECK(n == 0);  // end of stream; what came without the delimiter stays in the buffer
    std::string rest(chars.begin(), chars.end());
    CHECK(rest == "45");
  });
}

TEST_CASE("Stream::read_until limit and read_exactly end of stream into a dynamic buffer", "[stream][buffered]") {
  run_coro([]() -> asio::awaitable<void> {
    auto [client, server] = co_await tcp_pair();
    co_await server.write(std::string(100, 'q'));
    std::string text;
    Error error;
    std::size_t n = co_await client.read_until(text, '\n', error, 64);
    CHECK(n == 0);
    CHECK(error.code == "ENOBUFS");
    CHECK(text.size() == 64);
    server.shutdown_write();
    std::string rest;
    Error eof;
    std::size_t got = co_await client.read_exactly(rest, 50, eof);
    CHECK(got == 36);
    CHECK(rest == std::string(36, 'q'));
    CHECK(eof.code == "EOF");
    CHECK(eof.message == "end of stream after 36 of 50 bytes");
  });
}

TEST_CASE("Stream: a read after the end of stream returns the end again at once", "[stream][buffered]") {
  // A recv() after the peer's FIN returns 0 again; Asio's edge-triggered reactor would
  // instead wait for readiness that never comes, so berth remembers the end.
  run_coro([]() -> asio::awaitable<void> {
    auto [client, server] = co_await tcp_pair();
    co_await server.write(std::string_view("a\nb"));
    server.shutdown_write();
    char data[8];
    std::size_t n = co_await client.read_exactly(asio::buffer(data, 3));
    CHECK(n == 3);
    n = co_await client.read_some(asio::buffer(data));
    CHECK(n == 0);
    n = co_await client.read_some(asio::buffer(data));
    CHECK(n == 0);
    std::string text = "x\ny";
    n = co_await client.read_until(text, '\n');  // still found in what the buffer holds
    CHECK(n == 2);
    text.erase(0, n);
    n = co_await client.read_until(text, '\n');
    CHECK(n == 0);
    CHECK(text == "y");
    Error error;
    co_await client.read_exactly(asio::buffer(data, 1), error);
    CHECK(error.code == "EOF");
  });
}
