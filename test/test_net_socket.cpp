#include "berth/net/socket.hpp"

#include <catch2/catch.hpp>
#include <array>
#include <limits>
#include <set>

#include <asio/post.hpp>

#include "berth/net.hpp"
#include "berth/acceptor.hpp"
#include "net_support.hpp"

using namespace berth;
using berth::test::run_loop;
using berth::test::Trace;
using namespace std::chrono_literals;

namespace {

std::string flag(bool b) { return b ? "true" : "false"; }

// A server on 127.0.0.1 whose connections go to `on_connection`; `then` runs once it listens.
net::ServerPtr serve(net::ServerOptions options, net::ConnectionListener on_connection,
                     std::function<void(std::uint16_t)> then) {
  auto server = net::createServer(std::move(options), std::move(on_connection));
  server->listen(0, "127.0.0.1", [server, then = std::move(then)] { then(server->address()->port); });
  return server;
}

// A port nothing listens on.
std::uint16_t refused_port() {
  asio::io_context ctx;
  Acceptor a(ctx.get_executor());
  a.listen({.host = "127.0.0.1"});
  return a.address()->port;  // closed when `a` goes
}

}  // namespace

TEST_CASE("a new Socket is open, pending, with zero counters and no timeout", "[net][socket]") {
  auto s = net::Socket::create();
  CHECK_FALSE(s->connecting());
  CHECK(s->pending());
  CHECK(s->readyState() == "open");
  CHECK(s->bytesRead() == 0);
  CHECK(s->bytesWritten() == 0);
  CHECK_FALSE(s->timeout());
  CHECK_FALSE(s->address());
  CHECK_FALSE(s->remoteAddress());
  CHECK_FALSE(s->readableFlowing());
}

TEST_CASE("graceful close started by the client follows Node's event order", "[net][socket]") {
  Trace trace;
  net::ServerPtr server;
  server = serve({}, [&](const net::SocketPtr& s) {
    s->on(net::events::data, [&](BufferView b) { trace("S.data " + std::string(b)); });
    s->on(net::events::end, [&] { trace("S.end"); });
    s->on(net::events::finish, [&] { trace("S.finish"); });
    s->on(net::events::close, [&](bool e) { trace("S.close:" + flag(e)); server->close(); });
  }, [&](std::uint16_t port) {
    auto c = net::connect(port, "127.0.0.1");
    c->on(net::events::connect, [&, c] {
      trace("C.connect " + c->readyState());
      c->end("hi");
      trace("C.after-end " + c->readyState());
    });
    c->on(net::events::finish, [&] { trace("C.finish"); });
    c->on(net::events::end, [&, c] { trace("C.end " + c->readyState()); });
    c->on(net::events::close, [&, c](bool e) {
      trace("C.close:" + flag(e) + " destroyed=" + flag(c->destroyed()) + " pending=" + flag(c->pending()));
    });
  });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"C.connect open", "C.after-end readOnly", "C.finish", "S.data hi",
                                                "S.end", "S.finish", "S.close:false", "C.end closed",
                                                "C.close:false destroyed=true pending=true"});
}

TEST_CASE("connect() sets connecting and opening, 'connect' then 'ready'", "[net][socket]") {
  Trace trace;
  auto server = serve({}, [](const net::SocketPtr& s) { s->end(); }, [&](std::uint16_t port) {
    auto c = net::Socket::create();
    // family 4: localhost is 127.0.0.1 under every ordinary /etc/hosts; with family 0 it
    // can also be ::1, and first, which this 127.0.0.1 server refuses.
    c->connect(net::ConnectOptions{.port = port, .host = "localhost", .family = 4});
    trace("sync connecting=" + flag(c->connecting()) + " pending=" + flag(c->pending()) + " " + c->readyState());
    c->on(net::events::lookup, [&](const Error& e, const std::string& a, int f, const std::string& h) {
      trace("lookup " + std::string(e ? e.code : "null") + " " + a + " " + std::to_string(f) + " " + h);
    });
    c->on(net::events::connectionAttempt, [&](const std::string& ip, int, int family) {
      trace("attempt " + ip + " " + std::to_string(family));
    });
    c->on(net::events::connect, [&, c] {
      trace("connect connecting=" + flag(c->connecting()) + " pending=" + flag(c->pending()) + " " + c->readyState() +
            " " + *c->remoteFamily() + " " + *c->localFamily());
    });
    c->on(net::events::ready, [&] { trace("ready"); });
  });
  server->on(net::events::connection, [server](const net::SocketPtr&) { server->close(); });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"sync connecting=true pending=true opening",
                                                "lookup null 127.0.0.1 4 localhost", "attempt 127.0.0.1 4",
                                                "connect connecting=false pending=false open IPv4 IPv4", "ready"});
}

TEST_CASE("ECONNREFUSED: only 'error' then 'close'(true), with Node's fields", "[net][socket]") {
  Trace trace;
  auto port = refused_port();
  auto c = net::connect(port, "127.0.0.1");
  c->on(net::events::connect, [&] { trace("connect"); });
  c->on(net::events::error, [&, c](const Error& e) {
    trace("error " + e.code + " " + std::to_string(e.errnum) + " " + e.syscall + " " + e.message);
    trace("in handler connecting=" + flag(c->connecting()) + " " + c->readyState() + " destroyed=" + flag(c->destroyed()));
  });
  c->on(net::events::close, [&](bool e) { trace("close " + flag(e)); });
  c.reset();
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{
                           "error ECONNREFUSED -111 connect connect ECONNREFUSED 127.0.0.1:" + std::to_string(port),
                           "in handler connecting=false closed destroyed=true", "close true"});
}

TEST_CASE("ENOTFOUND: 'lookup' with the error, then 'error', then 'close'(true)", "[net][socket]") {
  Trace trace;
  // A 64-character label (DNS allows 63) under the reserved .invalid: getaddrinfo fails
  // it without asking a DNS server, so it is ENOTFOUND offline too.
  const std::string name = std::string(64, 'a') + ".invalid";
  auto c = net::connect(80, name);
  c->on(net::events::lookup, [&](const Error& e, const std::string& a, int f, const std::string& h) {
    trace("lookup " + e.code + " '" + a + "' " + std::to_string(f) + " " + h);
  });
  c->on(net::events::error, [&](const Error& e) {
    trace("error " + e.code + " " + e.syscall + " " + *e.hostname + " port=" + flag(e.port.has_value()));
  });
  c->on(net::events::close, [&](bool e) { trace("close " + flag(e)); });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"lookup ENOTFOUND '' 0 " + name,
                                                "error ENOTFOUND getaddrinfo " + name + " port=false",
                                                "close true"});
}

TEST_CASE("connect() validates synchronously with Node's errors", "[net][socket]") {
  auto expect = [](net::ConnectOptions o, const std::string& code, const std::string& message) {
    try {
      net::connect(std::move(o));
      FAIL("connect should have thrown " + code);
    } catch (const Error& e) {
      CHECK(e.code == code);
      CHECK(e.message == message);
    }
  };
  expect({.port = -1}, "ERR_SOCKET_BAD_PORT", "Port should be >= 0 and < 65536. Received type number (-1).");
  expect({.port = true}, "ERR_INVALID_ARG_TYPE",
         "The \"options.port\" property must be one of type number or string. Received type boolean (true)");
  expect({}, "ERR_MISSING_ARGS", "The \"options\" or \"port\" or \"path\" argument must be specified");
  expect({.port = 1, .localAddress = "x"}, "ERR_INVALID_IP_ADDRESS", "Invalid IP address: x");
  run_loop();
}

TEST_CASE("destroy(): sync state, one 'close'(false), no 'error', destroy(err) emits it", "[net][socket]") {
  Trace trace;
  auto a = net::Socket::create();
  a->on(net::events::close, [&](bool e) { trace("a close " + flag(e)); });
  a->destroy();
  trace("a destroyed=" + flag(a->destroyed()) + " " + a->readyState());
  a->destroy();
  a->destroy(Error("EX", "boom"));
  auto b = net::Socket::create();
  b->on(net::events::error, [&](const Error& e) { trace("b error " + e.message); });
  b->on(net::events::close, [&, b](bool e) { trace("b close " + flag(e) + " errored=" + b->errored()->code); });
  b->destroy(Error("EX", "boom"));
  run_loop();
  // A socket that never had a handle: Node's 'close' carries undefined, berth false.
  CHECK(trace.lines == std::vector<std::string>{"a destroyed=true closed", "a close false", "b error boom",
                                                "b close false errored=EX"});
}

TEST_CASE("write after end, after destroy, and on a never-connected socket fail as in Node", "[net][socket]") {
  Trace trace;
  auto ended = net::Socket::create();
  ended->end();
  bool r1 = ended->write("x", [&](const Error& e) { trace("ended cb " + e.code); });
  ended->on(net::events::error, [&](const Error& e) { trace("ended error " + e.code + " " + e.message); });
  ended->on(net::events::close, [&](bool e) { trace("ended close " + flag(e)); });

  auto destroyed = net::Socket::create();
  destroyed->destroy();
  bool r2 = destroyed->write("x", [&](const Error& e) { trace("destroyed cb " + e.code + " " + e.message); });
  destroyed->on(net::events::error, [&](const Error& e) { trace("destroyed error " + e.code); });

  auto fresh = net::Socket::create();
  bool r3 = fresh->write("x", [&](const Error& e) { trace("fresh cb " + e.code + " " + e.message); });
  fresh->on(net::events::error, [&](const Error& e) { trace("fresh error " + e.code); });
  fresh->on(net::events::close, [&](bool) { trace("fresh close"); });
  CHECK_FALSE(r1);
  CHECK_FALSE(r2);
  CHECK_FALSE(r3);
  run_loop();
  auto has = [&](const std::string& l) { return std::count(trace.lines.begin(), trace.lines.end(), l) == 1; };
  CHECK(has("ended cb ERR_STREAM_WRITE_AFTER_END"));
  CHECK(has("ended error ERR_STREAM_WRITE_AFTER_END write after end"));
  CHECK(has("destroyed cb ERR_STREAM_DESTROYED Cannot call write after a stream was destroyed"));
  CHECK_FALSE(has("destroyed error ERR_STREAM_DESTROYED"));
  CHECK(has("fresh cb ERR_SOCKET_CLOSED Socket is closed"));
  CHECK(has("fresh error ERR_SOCKET_CLOSED"));
  CHECK(has("fresh close"));
}

TEST_CASE("writes made while connecting to a refused port: error, then write callback, then close", "[net][socket]") {
  Trace trace;
  auto c = net::connect(refused_port(), "127.0.0.1");
  c->write("queued", [&](const Error& e) { trace("write cb " + e.code); });
  CHECK(c->bufferSize() == 6u);
  c->on(net::events::error, [&](const Error& e) { trace("error " + e.code); });
  c->on(net::events::close, [&](bool e) { trace("close " + flag(e)); });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"error ECONNREFUSED", "write cb ERR_SOCKET_CLOSED_BEFORE_CONNECTION",
                                                "close true"});
}

TEST_CASE("highWaterMark: write returns false at the boundary and 'drain' follows", "[net][socket]") {
  Trace trace;
  auto server = serve({}, [](const net::SocketPtr& s) { s->resume(); }, [&](std::uint16_t port) {
    net::SocketOptions so;
    so.highWaterMark = 4;
    auto c = net::Socket::create(so);
    c->connect(port, "127.0.0.1");
    trace("abc " + flag(c->write("abc")));
    trace("d " + flag(c->write("d")));
    trace("needDrain " + flag(c->writableNeedDrain()) + " length " + std::to_string(c->writableLength()));
    c->on(net::events::drain, [&, c] {
      trace("drain needDrain " + flag(c->writableNeedDrain()) + " length " + std::to_string(c->writableLength()));
      c->destroy();
    });
  });
  server->on(net::events::connection, [server](const net::SocketPtr& s) {
    s->on(net::events::close, [server](bool) { server->close(); });
  });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"abc true", "d false", "needDrain true length 4",
                                                "drain needDrain false length 0"});
}

TEST_CASE("writableLength counts characters and bytesWritten bytes, queued ones included", "[net][socket]") {
  Trace trace;
  net::ServerPtr server;
  server = serve({}, [&](const net::SocketPtr& s) {
    s->on(net::events::data, [](BufferView) {});
    s->on(net::events::close, [&](bool) { server->close(); });
  }, [&](std::uint16_t port) {
    auto c = net::connect(port, "127.0.0.1");
    c->write("\u20ac\u20ac");
    c->write(Buffer::from("\u20ac"));
    c->write("ab", Encoding::hex);
    trace("length " + std::to_string(c->writableLength()) + " bytes " + std::to_string(c->bytesWritten()));
    c->on(net::events::connect, [&, c] {
      c->end("h\u00e9llo", [&, c] { trace("end cb bytes " + std::to_string(c->bytesWritten())); });
    });
    c->on(net::events::close, [&, c](bool) {
      trace("close bytesWritten " + std::to_string(c->bytesWritten()) + " bufferSize " +
            (c->bufferSize() ? "set" : "undefined"));
    });
  });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"length 7 bytes 10", "end cb bytes 16",
                                                "close bytesWritten 16 bufferSize undefined"});
}

TEST_CASE("setEncoding keeps a euro split over three chunks whole and ends a partial one with U+FFFD", "[net][socket]") {
  Trace trace;
  net::ServerPtr server;
  server = serve({}, [&](const net::SocketPtr& s) {
    s->setNoDelay(true);
    const std::uint8_t euro[] = {0xE2, 0x82, 0xAC};
    auto step = std::make_shared<std::function<void(int)>>();
    *step = [s, step, euro](int i) {
      if (i == 3) {
        s->write(BufferView("A"));
        const std::uint8_t partial[] = {0xE2, 0x82};
        s->end(BufferView(partial, 2));
        *step = nullptr;
        return;
      }
      s->write(BufferView(euro + i, 1));
      auto t = std::make_shared<asio::steady_timer>(Loop::current().context(), 20ms);
      t->async_wait([step, t, i](std::error_code) { if (*step) (*step)(i + 1); });
    };
    (*step)(0);
  }, [&](std::uint16_t port) {
    auto c = net::connect(port, "127.0.0.1");
    c->setEncoding("utf8");
    std::string all;
    c->on(net::events::data, [&](BufferView b) { trace("data " + std::string(b)); });
    c->on(net::events::close, [&](bool) { server->close(); });
  });
  run_loop();
  std::string joined;
  for (auto& l : trace.lines) joined += l.substr(5);
  CHECK(joined == "\u20ac" "A\ufffd");
  // The euro never arrives split: the first data event holds all of it.
  REQUIRE_FALSE(trace.lines.empty());
  CHECK(trace.lines[0].rfind("data \u20ac", 0) == 0);
}

TEST_CASE("pause() stops reading from the kernel, resume() delivers what waited, coalesced", "[net][socket]") {
  Trace trace;
  net::ServerPtr server;
  server = serve({}, [&](const net::SocketPtr& s) {
    s->write("one");
    auto t = std::make_shared<asio::steady_timer>(Loop::current().context(), 20ms);
    t->async_wait([s, t](std::error_code) { s->end("two"); });
  }, [&](std::uint16_t port) {
    auto c = net::connect(port, "127.0.0.1");
    c->pause();
    trace("paused " + flag(c->isPaused()) + " flowing " + flag(c->readableFlowing().value_or(true)));
    c->on(net::events::data, [&](BufferView b) { trace("data " + std::string(b)); });
    auto t = std::make_shared<asio::steady_timer>(Loop::current().context(), 100ms);
    t->async_wait([&, c, t](std::error_code) {
      trace("bytesRead while paused " + std::to_string(c->bytesRead()));
      c->resume();
    });
    c->on(net::events::end, [&] { trace("end"); });
    c->on(net::events::close, [&](bool) { server->close(); });
  });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"paused true flowing false", "bytesRead while paused 0", "data onetwo", "end"});
}

TEST_CASE("onread reuses one buffer, emits no 'data', and 'end'/'close' still fire", "[net][socket]") {
  Trace trace;
  std::array<std::uint8_t, 4> buffer{};
  std::string received;
  std::set<const std::uint8_t*> buffers_seen;
  net::ServerPtr server;
  server = serve({}, [&](const net::SocketPtr& s) { s->end("0123456789"); }, [&](std::uint16_t port) {
    net::ConnectOptions o{.port = port, .host = "127.0.0.1"};
    o.onread = net::OnRead{.buffer = buffer, .callback = [&](std::size_t n, std::span<std::uint8_t> b) {
      buffers_seen.insert(b.data());
      CHECK(n <= 4);
      received.append(reinterpret_cast<const char*>(b.data()), n);
      return true;
    }};
    auto c = net::connect(o);
    c->on(net::events::data, [&](BufferView) { trace("data"); });
    c->on(net::events::end, [&] { trace("end"); });
    c->on(net::events::close, [&, c](bool e) {
      trace("close " + flag(e) + " bytesRead " + std::to_string(c->bytesRead()));
      server->close();
    });
  });
  run_loop();
  CHECK(received == "0123456789");
  CHECK(buffers_seen.size() == 1);
  CHECK(*buffers_seen.begin() == buffer.data());
  CHECK(trace.lines == std::vector<std::string>{"end", "close false bytesRead 10"});
}

TEST_CASE("cork() batches three writes into one read at the peer", "[net][socket]") {
  Trace trace;
  net::ServerPtr server;
  server = serve({}, [&](const net::SocketPtr& s) {
    s->on(net::events::data, [&](BufferView b) { trace("server data " + std::string(b)); });
    s->on(net::events::close, [&](bool) { server->close(); });
  }, [&](std::uint16_t port) {
    auto c = net::connect(port, "127.0.0.1");
    c->on(net::events::connect, [&, c] {
      c->cork();
      trace("corked " + std::to_string(c->writableCorked()));
      c->write("ab");
      c->write("cd");
      c->write("ef");
      c->uncork();
      c->end();
    });
  });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"corked 1", "server data abcdef"});
}

TEST_CASE("setTimeout fires once per idle period, is reset by traffic, and never closes", "[net][socket]") {
  Trace trace;
  net::ServerPtr server;
  server = serve({}, [&](const net::SocketPtr& s) { s->resume(); }, [&](std::uint16_t port) {
    auto c = net::connect(port, "127.0.0.1");
    c->on(net::events::connect, [&, c] {
      c->setTimeout(80ms, [&] { trace("timeout cb"); });
      trace("timeout property " + std::to_string(c->timeout()->count()));
      // Traffic every 30 ms for 150 ms keeps the timer from firing.
      auto ticks = std::make_shared<int>(0);
      auto timer = std::make_shared<asio::steady_timer>(Loop::current().context());
      auto tick = std::make_shared<std::function<void()>>();
      *tick = [c, ticks, timer, tick] {
        if ((*ticks)++ == 5) { *tick = nullptr; return; }
        c->write(".");
        timer->expires_after(30ms);
        timer->async_wait([tick](std::error_code) { if (*tick) (*tick)(); });
      };
      (*tick)();
    });
    c->on(net::events::timeout, [&, c] {
      trace("timeout destroyed=" + flag(c->destroyed()) + " " + c->readyState() +
            " listeners " + std::to_string(c->listenerCount(net::events::timeout)));
      auto later = std::make_shared<asio::steady_timer>(Loop::current().context(), 200ms);
      later->async_wait([&, c, later](std::error_code) {
        trace("no second timeout");
        c->destroy();
        server->close();
      });
    });
  });
  run_loop();
  // The test's own listener was registered first, so it runs before the setTimeout
  // callback, which is still registered (a once-listener) while it runs.
  CHECK(trace.lines == std::vector<std::string>{"timeout property 80", "timeout destroyed=false open listeners 2",
                                                "timeout cb", "no second timeout"});
}

TEST_CASE("setTimeout rejects negative and infinite values with ERR_OUT_OF_RANGE", "[net][socket]") {
  auto s = net::Socket::create();
  try {
    s->setTimeout(-1.0);
    FAIL("setTimeout(-1) should throw");
  } catch (const Error& e) {
    CHECK(e.code == "ERR_OUT_OF_RANGE");
    CHECK(e.message == "The value of \"msecs\" is out of range. It must be a non-negative finite number. Received -1");
  }
  CHECK_THROWS_AS(s->setTimeout(std::numeric_limits<double>::infinity()), Error);
  s->destroy();
  CHECK(&s->setTimeout(10.0) == s.get());
  run_loop();
}

TEST_CASE("allowHalfOpen false: a write inside 'end' succeeds, later writes get EPIPE", "[net][socket]") {
  Trace trace;
  net::ServerPtr server;
  server = serve({}, [&](const net::SocketPtr& s) {
    s->on(net::events::data, [](BufferView) {});
    s->end();
  }, [&](std::uint16_t port) {
    auto c = net::connect(port, "127.0.0.1");
    c->on(net::events::end, [&, c] {
      trace("end " + c->readyState());
      c->write("inside", [&](const Error& e) { trace("inside cb " + (e ? e.code : std::string("null"))); });
      // Node's setImmediate: a function posted through the loop's executor (whose ticks
      // drain right after it, as after every Node callback).
      asio::post(Loop::current().get_executor(), [&, c] {
        bool r = c->write("after", [&](const Error& e) { trace("after cb " + e.code + " " + e.message); });
        trace("after returned " + flag(r));
      });
    });
    c->on(net::events::error, [&](const Error& e) { trace("error " + e.code); });
    c->on(net::events::close, [&](bool e) {
      trace("close " + flag(e));
      server->close();
    });
  });
  run_loop();
  // What node v20 prints for the same program (the later write in setImmediate).
  CHECK(trace.lines == std::vector<std::string>{"end writeOnly", "inside cb null", "after returned false",
                                                "after cb EPIPE This socket has been ended by the other party",
                                                "close false"});
}

TEST_CASE("allowHalfOpen true keeps the socket writable after 'end' until end()", "[net][socket]") {
  Trace trace;
  net::ServerPtr server;
  server = serve({}, [&](const net::SocketPtr& s) {
    s->on(net::events::data, [&](BufferView b) { trace("server data " + std::string(b)); });
    s->on(net::events::finish, [&] { trace("server finish"); });
    s->end();
    s->on(net::events::close, [&](bool) { server->close(); });
  }, [&](std::uint16_t port) {
    net::ConnectOptions o{.port = port, .host = "127.0.0.1", .allowHalfOpen = true};
    auto c = net::connect(o);
    c->on(net::events::end, [&, c] {
      trace("client end " + c->readyState());
      auto t = std::make_shared<asio::steady_timer>(Loop::current().context(), 30ms);
      t->async_wait([c, t](std::error_code) { c->end("late"); });
    });
  });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"server finish", "client end writeOnly", "server data late"});
}

TEST_CASE("resetAndDestroy: local close(false), the peer sees ECONNRESET then close(true)", "[net][socket]") {
  Trace trace;
  net::ServerPtr server;
  server = serve({}, [&](const net::SocketPtr& s) {
    s->on(net::events::end, [&] { trace("server end"); });
    s->on(net::events::error, [&](const Error& e) { trace("server error " + e.code + " " + e.syscall); });
    s->on(net::events::close, [&](bool e) { trace("server close " + flag(e)); server->close(); });
  }, [&](std::uint16_t port) {
    auto c = net::connect(port, "127.0.0.1");
    c->on(net::events::connect, [&, c] {
      auto t = std::make_shared<asio::steady_timer>(Loop::current().context(), 20ms);
      t->async_wait([c, t](std::error_code) { c->resetAndDestroy(); });
    });
    c->on(net::events::error, [&](const Error& e) { trace("client error " + e.code); });
    c->on(net::events::close, [&](bool e) { trace("client close " + flag(e)); });
  });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"client close false", "server error ECONNRESET read",
                                                "server close true"});
}

TEST_CASE("a destroyed socket can connect again and its counters restart", "[net][socket]") {
  Trace trace;
  net::ServerPtr server;
  server = serve({}, [&](const net::SocketPtr& s) { s->end("hello"); }, [&](std::uint16_t port) {
    auto c = net::Socket::create();
    auto round = std::make_shared<int>(0);
    auto start = std::make_shared<std::function<void()>>();
    *start = [&, c, port, round, start] {
      // Listeners are released after 'close', so each connection adds its own.
      c->on(net::events::data, [](BufferView) {});
      c->connect(port, "127.0.0.1");
      c->once(net::events::close, [&, c, round, start](bool) {
        trace("round " + std::to_string(*round) + " bytesRead " + std::to_string(c->bytesRead()));
        if (++*round < 2) asio::post(Loop::current().context(), [start] { (*start)(); });
        else { *start = nullptr; server->close(); }
      });
    };
    (*start)();
  });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"round 0 bytesRead 5", "round 1 bytesRead 5"});
}

TEST_CASE("an unref'd connected socket lets the loop end", "[net][socket][ref]") {
  Trace trace;
  auto server = serve({}, [&](const net::SocketPtr& s) { s->unref(); }, [&](std::uint16_t port) {
    auto c = net::connect(port, "127.0.0.1");
    c->unref();  // while connecting: 'connect' still fires, then the loop may end
    c->on(net::events::connect, [&] { trace("connect"); });
  });
  server->unref();
  run_loop(5s);
  CHECK(trace.lines == std::vector<std::string>{"connect"});
  server->close();
  run_loop();
}

TEST_CASE("pipe() echoes with backpressure: 1 MiB comes back whole", "[net][socket]") {
  std::size_t total = 1 << 20;
  std::size_t received = 0;
  net::ServerPtr server;
  server = serve({}, [](const net::SocketPtr& s) { s->pipe(s); }, [&](std::uint16_t port) {
    auto c = net::connect(port, "127.0.0.1");
    std::vector<std::uint8_t> block(64 * 1024, 'x');
    for (std::size_t sent = 0; sent < total; sent += block.size()) c->write(BufferView(block.data(), block.size()));
    c->on(net::events::data, [&, c](BufferView b) {
      received += b.size();
      if (received == total) c->end();
    });
    c->on(net::events::close, [&](bool) { server->close(); });
  });
  run_loop();
  CHECK(received == total);
}

// Node v20, the same scenario (s.pipe(s), a client that does not read 8 MiB until the
// server's writes back are refused): 'drain' has 0 listeners after pipe() and 1 (pipe's)
// once a write is refused; 'data' has 1 throughout.
TEST_CASE("pipe() adds its 'drain' listener at the first refused write, as Node's Readable.pipe", "[net][socket]") {
  std::optional<std::size_t> drain_after_pipe, data_after_pipe, drain_when_refused;
  std::size_t total = 8u << 20;
  std::size_t received = 0;
  net::SocketPtr client;
  net::ServerPtr server;
  server = serve({}, [&](const net::SocketPtr& s) {
    s->pipe(s);
    drain_after_pipe = s->listenerCount(net::events::drain);
    data_after_pipe = s->listenerCount(net::events::data);
    s->on(net::events::data, [&, raw = s.get()] {
      if (drain_when_refused || raw->writableLength() < raw->writableHighWaterMark()) return;
      drain_when_refused = raw->listenerCount(net::events::drain);
      client->resume();  // now let the echo flow back
    });
  }, [&](std::uint16_t port) {
    client = net::connect(port, "127.0.0.1");
    client->pause();
    std::vector<std::uint8_t> block(1 << 20, 'x');
    for (std::size_t sent = 0; sent < total; sent += block.size()) client->write(BufferView(block.data(), block.size()));
    client->on(net::events::data, [&](BufferView b) {
      received += b.size();
      if (received == total) client->end();
    });
    client->on(net::events::close, [&](bool) { server->close(); });
  });
  run_loop(20s);
  CHECK(drain_after_pipe == 0u);
  CHECK(data_after_pipe == 1u);
  CHECK(drain_when_refused == 1u);
  CHECK(received == total);
  client.reset();
}
