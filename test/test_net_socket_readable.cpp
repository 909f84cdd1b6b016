// Paused mode on net::Socket: 'readable', read([size]), unshift(), readableLength, and
// the switches between paused and flowing mode. Every expected trace is what Node
// v20.20.2 printed for the same exchange over loopback (the probe scripts are quoted
// in each case's comment); the server side is berth too.

#include <catch2/catch.hpp>
#include <asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <string>

#include "berth/net.hpp"
#include "net_support.hpp"

using namespace berth;
using berth::test::run_loop;
using berth::test::Trace;
using namespace std::chrono_literals;

namespace {

std::string flag(bool b) { return b ? "true" : "false"; }
std::string flowing(const net::Socket& s) {
  auto f = s.readableFlowing();
  return f ? flag(*f) : "null";
}
std::string show(const std::optional<Buffer>& b) {
  return b ? "\"" + b->toString(Encoding::latin1) + "\"" : std::string("null");
}

// Calls `then` on the loop every few milliseconds until `ready()` (bounded by run_loop's limit).
void when(std::function<bool()> ready, std::function<void()> then) {
  auto timer = std::make_shared<asio::steady_timer>(Loop::current().context(), 2ms);
  timer->async_wait([timer, ready = std::move(ready), then = std::move(then)](std::error_code ec) mutable {
    if (ec) return;
    if (ready()) then();
    else when(std::move(ready), std::move(then));
  });
}

// A server on 127.0.0.1 whose connections go to `on_connection`; then a client
// connects and `client` sets it up. The server closes with the client.
void exchange(std::function<void(const net::SocketPtr&)> on_connection,
              std::function<void(const net::SocketPtr&)> client, net::ServerOptions options = {}) {
  auto server = net::createServer(options, [on_connection](const net::SocketPtr& s) {
    s->on(net::events::error, [](const Error&) {});
    on_connection(s);
  });
  server->listen(0, "127.0.0.1", [server, client] {
    auto c = net::connect(server->address()->port, "127.0.0.1");
    client(c);
    c->on(net::events::close, [server] { server->close(); });
  });
  run_loop();
}

// The server writes `first`, and on the client's first data (an ack) ends with `last`.
std::function<void(const net::SocketPtr&)> write_then_end_on_ack(std::string first, std::string last = "") {
  return [first, last](const net::SocketPtr& s) {
    s->write(first);
    s->once(net::events::data, [s, last] { s->end(last); });
  };
}

}  // namespace

// s.on('readable', () => { log('readable len', ...); while ((ch = s.read()) !== null) {...; s.write('ack')} ...})
TEST_CASE("a 'readable' listener switches to paused mode, read() returns what is buffered, then null, 'readable' "
          "fires again at the end, before 'end'",
          "[net][socket][readable]") {
  Trace trace;
  exchange(write_then_end_on_ack("hello"), [&](const net::SocketPtr& s) {
    s->on(net::events::readable, [&, s] {
      trace("readable len " + std::to_string(s->readableLength()) + " flowing " + flowing(*s));
      while (auto chunk = s->read()) {
        trace("read " + show(chunk) + " len " + std::to_string(s->readableLength()));
        s->write("ack");
      }
      trace("read-null len " + std::to_string(s->readableLength()) + " ended " + flag(s->readableEnded()));
    });
    trace("after on readable flowing " + flowing(*s) + " paused " + flag(s->isPaused()));
    s->on(net::events::connect, [&] { trace("connect"); });
    s->on(net::events::end, [&] { trace("end"); });
    s->on(net::events::close, [&] { trace("close"); });
  });
  CHECK(trace.lines == std::vector<std::string>{
                           "after on readable flowing false paused true", "connect",
                           "readable len 5 flowing false", "read \"hello\" len 0", "read-null len 0 ended false",
                           "readable len 0 flowing false", "read-null len 0 ended false", "end", "close"});
}

// while ((ch = s.read(4)) !== null) ...: exact sizes, then the rest once the peer ended.
TEST_CASE("read(size) returns exactly size bytes while that many are buffered, and the rest after the end",
          "[net][socket][readable]") {
  Trace trace;
  exchange(write_then_end_on_ack("0123456789"), [&](const net::SocketPtr& s) {
    auto acked = std::make_shared<bool>(false);
    s->on(net::events::readable, [&, s, acked] {
      trace("readable len " + std::to_string(s->readableLength()));
      while (auto chunk = s->read(4)) trace("read4 " + show(chunk) + " len " + std::to_string(s->readableLength()));
      trace("null len " + std::to_string(s->readableLength()));
      if (!*acked) {
        *acked = true;
        s->write("ack");
      }
    });
    s->on(net::events::end, [&] { trace("end"); });
    s->on(net::events::close, [&] { trace("close"); });
  });
  CHECK(trace.lines == std::vector<std::string>{"readable len 10", "read4 \"0123\" len 6", "read4 \"4567\" len 2",
                                                "null len 2", "readable len 2", "read4 \"89\" len 0", "null len 0",
                                                "end", "close"});
}

// Server c.end('abc'); client reads once per 'readable'.
TEST_CASE("data and the end arriving together: 'readable', read(), 'readable' again, read() null, 'end'",
          "[net][socket][readable]") {
  Trace trace;
  exchange([](const net::SocketPtr& s) { s->end("abc"); }, [&](const net::SocketPtr& s) {
    s->on(net::events::readable, [&, s] {
      trace("readable len " + std::to_string(s->readableLength()) + " ended " + flag(s->readableEnded()));
      trace("read " + show(s->read()));
    });
    s->on(net::events::end, [&] { trace("end"); });
    s->on(net::events::close, [&] { trace("close"); });
  });
  CHECK(trace.lines == std::vector<std::string>{"readable len 3 ended false", "read \"abc\"",
                                                "readable len 0 ended false", "read null", "end", "close"});
}

// Server writes 'abc', ack, then end('defgh'); client read(6) per 'readable'.
TEST_CASE("read(size) with less buffered returns null until enough arrives or the peer ends",
          "[net][socket][readable]") {
  Trace trace;
  exchange(write_then_end_on_ack("abc", "defgh"), [&](const net::SocketPtr& s) {
    auto first = std::make_shared<bool>(true);
    s->on(net::events::readable, [&, s, first] {
      trace("readable len " + std::to_string(s->readableLength()) + " ended " + flag(s->readableEnded()));
      auto chunk = s->read(6);
      trace("read6 " + show(chunk) + " len " + std::to_string(s->readableLength()));
      if (*first) {
        *first = false;
        s->write("ack");
      }
    });
    s->on(net::events::end, [&] { trace("end"); });
  });
  CHECK(trace.lines == std::vector<std::string>{"readable len 3 ended false", "read6 null len 3",
                                                "readable len 8 ended false", "read6 \"abcdef\" len 2",
                                                "readable len 2 ended false", "read6 \"gh\" len 0", "end"});
}

// s.setEncoding('utf8'); server writes [0x61, 0xc3], ack, end([0xa9, 0x62, 0x63]); client read(1) in a loop.
TEST_CASE("after setEncoding() read(n) counts characters and readableLength counts UTF-16 units",
          "[net][socket][readable]") {
  Trace trace;
  exchange(
      [](const net::SocketPtr& s) {
        const std::uint8_t first[] = {0x61, 0xc3}, last[] = {0xa9, 0x62, 0x63};
        s->write(BufferView(first, 2));
        s->once(net::events::data, [s, last] { s->end(BufferView(last, 3)); });
      },
      [&](const net::SocketPtr& s) {
        s->setEncoding("utf8");
        auto acked = std::make_shared<bool>(false);
        s->on(net::events::readable, [&, s, acked] {
          trace("readable len " + std::to_string(s->readableLength()));
          while (auto chunk = s->read(1))
            trace("read1 " + chunk->toString() + " len " + std::to_string(s->readableLength()));
          if (!*acked) {
            *acked = true;
            s->write("ack");
          }
        });
        s->on(net::events::end, [&] { trace("end"); });
      });
  CHECK(trace.lines == std::vector<std::string>{"readable len 1", "read1 a len 0", "readable len 3",
                                                "read1 \xc3\xa9 len 2", "read1 b len 1", "read1 c len 0",
                                                "readable len 0", "end"});
}

TEST_CASE("after setEncoding() readableLength counts a four-byte character as two and read(1) keeps it whole",
          "[net][socket][readable]") {
  Trace trace;
  exchange([](const net::SocketPtr& s) { s->end("\xf0\x9f\x98\x80x"); }, [&](const net::SocketPtr& s) {
    s->setEncoding(Encoding::utf8);
    s->on(net::events::readable, [&, s] {
      trace("readable len " + std::to_string(s->readableLength()));
      while (auto chunk = s->read(1)) trace("read " + chunk->toString() + " len " + std::to_string(s->readableLength()));
    });
    s->on(net::events::end, [&] { trace("end"); });
  });
  REQUIRE(trace.lines.size() >= 3);
  // Node gives "readable len 3" too, then (unlike berth) half a surrogate pair per read(1).
  CHECK(trace.lines[0] == "readable len 3");
  CHECK(trace.lines[1] == "read \xf0\x9f\x98\x80 len 1");
  CHECK(trace.lines[2] == "read x len 0");
  CHECK(trace.lines.back() == "end");
}

// read(); unshift(ch.subarray(6)); ... 'readable' again with the unshifted data.
TEST_CASE("unshift() in paused mode puts data back in front and 'readable' follows", "[net][socket][readable]") {
  Trace trace;
  exchange(write_then_end_on_ack("hello world"), [&](const net::SocketPtr& s) {
    auto n = std::make_shared<int>(0);
    s->on(net::events::readable, [&, s, n] {
      trace("readable len " + std::to_string(s->readableLength()));
      auto chunk = s->read();
      trace("read " + show(chunk));
      if (chunk && (*n)++ == 0) {
        s->unshift(chunk->subarray(6));
        trace("unshifted len " + std::to_string(s->readableLength()));
        s->write("ack");
      }
    });
    s->on(net::events::end, [&] { trace("end"); });
  });
  CHECK(trace.lines == std::vector<std::string>{"readable len 11", "read \"hello world\"", "unshifted len 5",
                                                "readable len 5", "read \"world\"", "readable len 0", "read null",
                                                "end"});
}

// In 'data': pause(); unshift(ch.subarray(6)); later resume().
TEST_CASE("unshift() after pause() in flowing mode holds the data until resume()", "[net][socket][readable]") {
  Trace trace;
  exchange(write_then_end_on_ack("hello world"), [&](const net::SocketPtr& s) {
    auto n = std::make_shared<int>(0);
    s->on(net::events::data, [&, s, n](BufferView chunk) {
      trace("data \"" + std::string(chunk) + "\" len " + std::to_string(s->readableLength()));
      if ((*n)++ == 0) {
        s->pause();
        s->unshift(chunk.subarray(6));
        trace("unshifted len " + std::to_string(s->readableLength()) + " flowing " + flowing(*s));
        auto t = std::make_shared<asio::steady_timer>(Loop::current().context(), 20ms);
        t->async_wait([&, s, t](std::error_code) {
          trace("resume");
          s->resume();
          s->write("ack");
        });
      }
    });
    s->on(net::events::end, [&] { trace("end"); });
  });
  CHECK(trace.lines == std::vector<std::string>{"data \"hello world\" len 0", "unshifted len 5 flowing false",
                                                "resume", "data \"world\" len 0", "end"});
}

// In 'data' without pause(): Node emits the unshifted chunk again at once, inside unshift().
TEST_CASE("unshift() while flowing with nothing buffered re-emits the chunk at once", "[net][socket][readable]") {
  Trace trace;
  exchange(write_then_end_on_ack("hello world"), [&](const net::SocketPtr& s) {
    auto n = std::make_shared<int>(0);
    s->on(net::events::data, [&, s, n](BufferView chunk) {
      trace("data \"" + std::string(chunk) + "\" len " + std::to_string(s->readableLength()));
      if ((*n)++ == 0) {
        s->unshift(chunk.subarray(6));
        trace("unshifted len " + std::to_string(s->readableLength()));
        s->write("ack");
      }
    });
    s->on(net::events::end, [&] { trace("end"); });
  });
  CHECK(trace.lines == std::vector<std::string>{"data \"hello world\" len 0", "data \"world\" len 0",
                                                "unshifted len 0", "end"});
}

// Node: c.end() in 'end', then in a tick s.unshift(Buffer.from('q')):
// "after unshift destroyed true len 0", error ERR_STREAM_UNSHIFT_AFTER_END_EVENT, close true.
TEST_CASE("unshift() after 'end' destroys the socket with ERR_STREAM_UNSHIFT_AFTER_END_EVENT",
          "[net][socket][readable]") {
  Trace trace;
  exchange([](const net::SocketPtr& s) { s->end("z"); }, [&](const net::SocketPtr& s) {
    s->on(net::events::data, [&](BufferView d) { trace("data " + std::string(d)); });
    s->on(net::events::end, [&, s] {
      trace("end");
      Loop::current().nextTick([&, s] {
        s->unshift("q");
        trace("after unshift destroyed " + flag(s->destroyed()) + " len " + std::to_string(s->readableLength()));
      });
    });
    s->on(net::events::error, [&](const Error& e) { trace("error " + e.code + " " + e.message); });
    s->on(net::events::close, [&](bool had_error) { trace("close " + flag(had_error)); });
  });
  CHECK(trace.lines == std::vector<std::string>{
                           "data z", "end", "after unshift destroyed true len 0",
                           "error ERR_STREAM_UNSHIFT_AFTER_END_EVENT stream.unshift() after end event", "close true"});
}

// After pause() in flowing mode Node keeps reading into the buffer ("len after pause 6 bytesRead 11").
TEST_CASE("readableLength counts what arrives after pause() in flowing mode", "[net][socket][readable]") {
  Trace trace;
  exchange(
      [](const net::SocketPtr& s) {
        s->write("first");
        s->once(net::events::data, [s] { s->end("second"); });
      },
      [&](const net::SocketPtr& s) {
        auto n = std::make_shared<int>(0);
        s->on(net::events::data, [&, s, n](BufferView chunk) {
          trace("data \"" + std::string(chunk) + "\" len " + std::to_string(s->readableLength()));
          if ((*n)++ == 0) {
            s->pause();
            s->write("ack");
            when([s] { return s->bytesRead() == 11; }, [&, s] {
              trace("len after pause " + std::to_string(s->readableLength()) + " bytesRead " +
                    std::to_string(s->bytesRead()));
              s->resume();
            });
          }
        });
        s->on(net::events::end, [&] { trace("end"); });
      });
  CHECK(trace.lines == std::vector<std::string>{"data \"first\" len 0", "len after pause 6 bytesRead 11",
                                                "data \"second\" len 0", "end"});
}

// 'data' and 'readable' listeners: read() emits 'data'; removeAllListeners('readable') and
// resume() flow again from the next tick.
TEST_CASE("with 'readable' and 'data' listeners read() emits 'data', removing 'readable' and resume() flows again",
          "[net][socket][readable]") {
  Trace trace;
  exchange(
      [](const net::SocketPtr& s) {
        s->write("one");
        s->on(net::events::data, [s](BufferView d) {
          if (std::string(d) == "ack1") s->write("two");
          else s->end("three");
        });
      },
      [&](const net::SocketPtr& s) {
        s->on(net::events::data, [&, s](BufferView d) { trace("data \"" + std::string(d) + "\" flowing " + flowing(*s)); });
        trace("after on data flowing " + flowing(*s));
        s->on(net::events::readable, [&, s] {
          trace("readable len " + std::to_string(s->readableLength()));
          while (auto chunk = s->read()) trace("read " + show(chunk));
          trace("removeAll readable");
          s->removeAllListeners(net::events::readable);
          trace("flowing now " + flowing(*s));
          s->resume();
          trace("after resume flowing " + flowing(*s));
          Loop::current().nextTick([&, s] { trace("tick flowing " + flowing(*s)); });
          s->write("ack1");
        });
        trace("after on readable flowing " + flowing(*s));
        auto n = std::make_shared<int>(0);
        s->on(net::events::data, [s, n] {
          if (++*n == 2) s->write("ack2");
        });
        s->on(net::events::end, [&] { trace("end"); });
      });
  CHECK(trace.lines == std::vector<std::string>{
                           "after on data flowing true", "after on readable flowing false", "readable len 3",
                           "data \"one\" flowing false", "read \"one\"", "removeAll readable", "flowing now false",
                           "after resume flowing false", "tick flowing true", "data \"two\" flowing true",
                           "data \"three\" flowing true", "end"});
}

// Removing the only 'readable' listener with no 'data' listener: readableFlowing null
// on the next tick; data then waits until a 'data' listener comes.
TEST_CASE("removing the last 'readable' listener without 'data' listeners leaves readableFlowing null",
          "[net][socket][readable]") {
  Trace trace;
  exchange(write_then_end_on_ack("one", "two"), [&](const net::SocketPtr& s) {
    s->on(net::events::readable, [&, s] {
      trace("readable " + show(s->read()));
      s->removeAllListeners(net::events::readable);
      trace("flowing " + flowing(*s));
      Loop::current().nextTick([&, s] {
        trace("tick flowing " + flowing(*s));
        s->write("ack");
        when([s] { return s->readableLength() == 3; }, [&, s] {
          trace("len " + std::to_string(s->readableLength()) + " flowing " + flowing(*s));
          s->on(net::events::data, [&](BufferView d) { trace("data " + std::string(d)); });
        });
      });
    });
    s->on(net::events::end, [&] { trace("end"); });
  });
  CHECK(trace.lines == std::vector<std::string>{"readable \"one\"", "flowing false", "tick flowing null",
                                                "len 3 flowing null", "data two", "end"});
}

// once('readable'): its removal when it fires re-evaluates the mode like removeListener.
TEST_CASE("a once('readable') listener's removal returns readableFlowing to null", "[net][socket][readable]") {
  Trace trace;
  exchange(write_then_end_on_ack("a", "b"), [&](const net::SocketPtr& s) {
    s->once(net::events::readable, [&, s] {
      trace("readable " + show(s->read()) + " flowing " + flowing(*s) + " count " +
            std::to_string(s->listenerCount(net::events::readable)));
      Loop::current().nextTick([&, s] { trace("tick flowing " + flowing(*s)); });
      s->write("ack");
      when([s] { return s->readableLength() == 1; }, [&, s] {
        trace("len " + std::to_string(s->readableLength()) + " flowing " + flowing(*s));
        s->on(net::events::readable, [&, s] { trace("readable2 " + show(s->read())); });
      });
    });
    s->on(net::events::end, [&] { trace("end"); });
  });
  // Node also emits a last 'readable' at the end, where read() returns null.
  REQUIRE(trace.lines.size() >= 4);
  CHECK(std::vector<std::string>(trace.lines.begin(), trace.lines.begin() + 4) ==
        std::vector<std::string>{"readable \"a\" flowing false count 0", "tick flowing null", "len 1 flowing null",
                                 "readable2 \"b\""});
  CHECK(trace.lines.back() == "end");
}

// Data buffered before anyone listened: a 'readable' listener added then gets 'readable' on the next tick.
TEST_CASE("a 'readable' listener added when data is already buffered gets 'readable'", "[net][socket][readable]") {
  Trace trace;
  exchange(write_then_end_on_ack("pre"), [&](const net::SocketPtr& s) {
    when([s] { return s->readableLength() == 3; }, [&, s] {
      trace("len before " + std::to_string(s->readableLength()) + " flowing " + flowing(*s));
      s->on(net::events::readable, [&, s] {
        trace("readable len " + std::to_string(s->readableLength()));
        auto chunk = s->read();
        trace("read " + show(chunk));
        if (chunk) s->write("ack");
      });
      trace("after on, flowing " + flowing(*s));
    });
    s->on(net::events::end, [&] { trace("end"); });
  });
  CHECK(trace.lines == std::vector<std::string>{"len before 3 flowing null", "after on, flowing false",
                                                "readable len 3", "read \"pre\"", "readable len 0", "read null",
                                                "end"});
}

// pauseOnConnect: the server's socket reads nothing until read(0), which starts the fill.
TEST_CASE("read(0) starts reading into the buffer without consuming", "[net][socket][readable]") {
  Trace trace;
  net::ServerOptions options;
  options.pauseOnConnect = true;
  exchange(
      [&](const net::SocketPtr& s) {
        trace("server flowing " + flowing(*s) + " len " + std::to_string(s->readableLength()) + " paused " +
              flag(s->isPaused()));
        auto t = std::make_shared<asio::steady_timer>(Loop::current().context(), 30ms);
        t->async_wait([&, s, t](std::error_code) {
          trace("before read0 len " + std::to_string(s->readableLength()) + " bytesRead " +
                std::to_string(s->bytesRead()));
          trace("read0 " + show(s->read(0)) + " flowing " + flowing(*s));
          when([s] { return s->bytesRead() == 3; }, [&, s] {
            trace("after fill len " + std::to_string(s->readableLength()) + " flowing " + flowing(*s));
            auto chunk = s->read();
            trace("read " + show(chunk) + " len " + std::to_string(s->readableLength()));
            s->end();
          });
        });
        s->on(net::events::end, [&] { trace("server end"); });
        s->on(net::events::close, [&] { trace("server close"); });
      },
      [&](const net::SocketPtr& c) {
        c->on(net::events::connect, [c] { c->write("xyz"); });
        c->resume();
      },
      options);
  CHECK(trace.lines == std::vector<std::string>{"server flowing false len 0 paused true", "before read0 len 0 bytesRead 0",
                                                "read0 null flowing false", "after fill len 3 flowing false",
                                                "read \"xyz\" len 0", "server end", "server close"});
}

TEST_CASE("read(size) above readableHighWaterMark raises it to a power of two, above 1 GiB it throws",
          "[net][socket][readable]") {
  auto s = net::Socket::create();
  CHECK(s->readableHighWaterMark() == 16384);
  CHECK_FALSE(s->read(20000));
  CHECK(s->readableHighWaterMark() == 32768);
  CHECK(s->writableHighWaterMark() == 16384);
  try {
    s->read((std::size_t{1} << 30) + 1);
    FAIL("no throw");
  } catch (const Error& e) {
    CHECK(e.code == "ERR_OUT_OF_RANGE");
    CHECK(e.kind == ErrorKind::RangeError);
    CHECK(e.message == "The value of \"size\" is out of range. It must be <= 1GiB. Received 1073741825");
  }
  CHECK_FALSE(s->read(std::size_t{1} << 30));
  CHECK(s->readableHighWaterMark() == (std::size_t{1} << 30));
  s->destroy();
  run_loop();
}

// Backpressure: a paused-mode socket that does not read stops reading from the kernel
// once readableLength reaches the high water mark; reading resumes as read() drains it.
TEST_CASE("paused mode reads from the kernel only up to the high water mark, and every byte arrives in order",
          "[net][socket][readable]") {
  constexpr std::size_t total = 1 << 20;
  std::string payload(total, '\0');
  for (std::size_t i = 0; i < total; ++i) payload[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
  std::string received;
  std::size_t held_at_stall = 0, read_at_stall = 0;
  bool ended = false;
  exchange([&](const net::SocketPtr& s) { s->end(payload); }, [&](const net::SocketPtr& c) {
    auto draining = std::make_shared<bool>(false);
    c->on(net::events::readable, [&, c, draining] {
      if (!*draining) return;  // leave the first data in the buffer
      while (auto chunk = c->read()) received += chunk->toString(Encoding::latin1);
    });
    // Wait until the buffer reached the high water mark, give the kernel time to bring
    // more, then check nothing more was read, and drain.
    when([c] { return c->readableLength() >= c->readableHighWaterMark(); }, [&, c, draining] {
      auto t = std::make_shared<asio::steady_timer>(Loop::current().context(), 50ms);
      t->async_wait([&, c, t, draining](std::error_code) {
        held_at_stall = c->readableLength();
        read_at_stall = c->bytesRead();
        *draining = true;
        while (auto chunk = c->read()) received += chunk->toString(Encoding::latin1);
      });
    });
    c->on(net::events::end, [&] { ended = true; });
  });
  INFO("held " << held_at_stall << " read " << read_at_stall);
  CHECK(held_at_stall == read_at_stall);  // nothing consumed before the drain
  CHECK(held_at_stall >= 16384);
  CHECK(held_at_stall < 16384 + 64 * 1024);  // at most one read past the mark
  CHECK(read_at_stall < total);
  CHECK(ended);
  CHECK(received.size() == total);
  CHECK(received == payload);
}

// const c = net.connect(port); console.log(c.readableFlowing);
// c.once('data', d => console.log('data', d.toString(), c.readableFlowing));
// console.log(c.readableFlowing); c.on('end', ...); c.on('close', ...)
//   -> null / true / data hi true / end / close
TEST_CASE("a 'data' once-listener starts the flow as on() does: 'end' and 'close' follow", "[net][readable]") {
  Trace trace;
  exchange([](const net::SocketPtr& s) { s->end("hi"); },
           [&](const net::SocketPtr& c) {
             trace(flowing(*c));
             c->once(net::events::data, [&, c](BufferView d) { trace("data " + d.toString() + " " + flowing(*c)); });
             trace(flowing(*c));
             c->on(net::events::end, [&] { trace("end"); });
             c->on(net::events::close, [&] { trace("close"); });
           });
  CHECK(trace.lines == std::vector<std::string>{"null", "true", "data hi true", "end", "close"});
}
