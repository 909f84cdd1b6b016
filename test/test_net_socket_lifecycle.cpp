// net::Socket across its life cycle: what counts as activity for setTimeout, every
// method used before the connection exists, and the write callbacks of a socket
// destroyed early. Each expected value was taken from Node v20 (probe scripts in the
// comments say what Node printed).

#include <catch2/catch.hpp>

#include <concepts>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "berth/net.hpp"
#include "berth/timer.hpp"
#include "net_support.hpp"

using namespace berth;
using berth::test::run_loop;
using berth::test::Trace;
using namespace std::chrono_literals;

namespace {

std::string flag(bool b) { return b ? "true" : "false"; }

net::ServerPtr serve(net::ServerOptions options, net::ConnectionListener on_connection,
                     std::function<void(std::uint16_t)> then) {
  auto server = net::createServer(std::move(options), std::move(on_connection));
  server->listen(0, "127.0.0.1", [server, then = std::move(then)] { then(server->address()->port); });
  return server;
}

// Runs `f` after `delay` on the thread's loop (a ref'd timer, as Node's setTimeout).
void after(std::chrono::milliseconds delay, std::function<void()> f) { berth::setTimeout(std::move(f), delay); }

// Runs `f(i)` for i = 0..count-1, one every `period`, then `done`.
void every(std::chrono::milliseconds period, int count, std::function<void(int)> f, std::function<void()> done = {}) {
  auto step = std::make_shared<std::function<void(int)>>();
  *step = [period, count, f = std::move(f), done = std::move(done), step](int i) {
    if (i == count) {
      if (done) done();
      *step = nullptr;  // breaks the cycle
      return;
    }
    f(i);
    after(period, [step, i] { if (*step) (*step)(i + 1); });
  };
  after(period, [step] { (*step)(0); });
}

std::string state(const net::Socket& c) {
  return "rs=" + c.readyState() + " wE=" + flag(c.writableEnded()) + " wF=" + flag(c.writableFinished()) +
         " destroyed=" + flag(c.destroyed());
}

// The descriptor of this process's TCP socket bound to 127.0.0.1:`local_port`.
int fd_of(int local_port) {
  int found = -1;
  DIR* dir = opendir("/proc/self/fd");
  REQUIRE(dir != nullptr);
  while (dirent* e = readdir(dir)) {
    int fd = std::atoi(e->d_name);
    struct stat st{};
    if (e->d_name[0] == '.' || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    sockaddr_in a{};
    socklen_t len = sizeof a;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0 && a.sin_family == AF_INET &&
        ntohs(a.sin_port) == local_port) {
      sockaddr_in peer{};
      socklen_t plen = sizeof peer;
      if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &plen) == 0) found = fd;
    }
  }
  closedir(dir);
  return found;
}

int sockopt(int fd, int level, int name) {
  int v = -1;
  socklen_t len = sizeof v;
  REQUIRE(getsockopt(fd, level, name, &v, &len) == 0);
  return v;
}

}  // namespace

// ---- setTimeout: what is activity -------------------------------------------

// Node v20: a server doing setTimeout(300, destroy) and end(32 MiB) to a client that
// reads 512 KiB then pauses 50 ms gets no 'timeout' while the queue drains (one comes
// once writableLength is 0, with the rest in the kernel) and the client gets every byte.
TEST_CASE("idle timeout: a draining write queue is activity, 32 MiB to a slow reader arrives whole",
          "[net][socket][timeout]") {
  constexpr std::size_t total = std::size_t{32} << 20;
  constexpr std::size_t step = std::size_t{512} << 10;
  std::size_t received = 0;
  bool ended = false;
  int timeouts_with_queue = 0;
  net::ServerPtr server;
  server = serve({}, [&](const net::SocketPtr& s) {
    net::Socket* raw = s.get();
    s->setTimeout(300ms, [&, raw] {
      if (raw->writableLength() > 0) ++timeouts_with_queue;
      raw->destroy();
    });
    std::vector<std::uint8_t> big(total, 'x');
    s->end(BufferView(big.data(), big.size()));
    server->close();
  }, [&](std::uint16_t port) {
    auto c = net::connect(port, "127.0.0.1");
    c->on(net::events::data, [&, c](BufferView b) {
      std::size_t before = received;
      received += b.size();
      if (received / step != before / step) {
        c->pause();
        after(50ms, [c] { c->resume(); });
      }
    });
    c->on(net::events::end, [&] { ended = true; });
    c->on(net::events::error, [](const Error&) {});  // our FIN may meet a closed peer
  });
  run_loop(30s);
  CHECK(timeouts_with_queue == 0);
  CHECK(received == total);
  CHECK(ended);
}

// Node v20: setTimeout(300) on a socket whose 32 MiB write the peer never reads times
// out, even with a write() every 50 ms: those queue behind the stalled one.
TEST_CASE("idle timeout: a stalled queue times out, even while writes pile up behind it", "[net][socket][timeout]") {
  Trace trace;
  net::ServerPtr server;
  net::SocketPtr client;
  server = serve({}, [&](const net::SocketPtr& s) {
    net::Socket* raw = s.get();
    s->setTimeout(300ms, [&, raw] {
      trace("timeout queued=" + flag(raw->writableLength() > 0));
      raw->destroy();
      client->destroy();
      server->close();
    });
    std::vector<std::uint8_t> big(std::size_t{32} << 20, 'x');
    s->write(BufferView(big.data(), big.size()));
    std::weak_ptr<net::Socket> weak = s;
    every(50ms, 40, [weak](int) {
      if (auto p = weak.lock(); p && !p->destroyed()) p->write("x");
    });
  }, [&](std::uint16_t port) {
    client = net::connect(port, "127.0.0.1");
    client->pause();
  });
  run_loop(30s);
  CHECK(trace.lines == std::vector<std::string>{"timeout queued=true"});
}

// Node v20 (test-net-can-reset-timeout's rule): data read every 100 ms keeps a
// 300 ms idle timeout from firing.
TEST_CASE("idle timeout: reads are activity", "[net][socket][timeout]") {
  Trace trace;
  net::ServerPtr server;
  server = serve({}, [&](const net::SocketPtr& s) {
    s->setTimeout(300ms, [&] { trace("server timeout"); });
    s->resume();
    net::Socket* raw = s.get();
    s->on(net::events::end, [&, raw] { trace("server end"); raw->end(); });
  }, [&](std::uint16_t port) {
    auto c = net::connect(port, "127.0.0.1");
    c->resume();
    c->on(net::events::connect, [c] { every(100ms, 12, [c](int) { c->write("x"); }, [c] { c->end(); }); });
    c->on(net::events::close, [&](bool) { server->close(); });
  });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"server end"});
}

// Node v20: a write every 100 ms handed to the kernel keeps a 300 ms timeout quiet;
// the same writes while corked do not (one 'timeout', then nothing until uncork).
TEST_CASE("idle timeout: writes handed to the kernel are activity, corked ones are not", "[net][socket][timeout]") {
  bool corked = GENERATE(false, true);
  Trace trace;
  net::ServerPtr server;
  server = serve({}, [](const net::SocketPtr& s) {
    s->resume();
    net::Socket* raw = s.get();
    s->on(net::events::end, [raw] { raw->end(); });
  }, [&](std::uint16_t port) {
    auto c = net::connect(port, "127.0.0.1");
    c->resume();
    c->on(net::events::connect, [&, c] {
      c->setTimeout(300ms, [&] { trace("timeout"); });
      if (corked) c->cork();
      every(100ms, 12, [c](int) { c->write("x"); }, [&, c] {
        if (corked) c->uncork();
        c->end();
      });
    });
    c->on(net::events::close, [&](bool) {
      trace("close");
      server->close();
    });
  });
  run_loop();
  if (corked) CHECK(trace.lines == std::vector<std::string>{"timeout", "close"});
  else CHECK(trace.lines == std::vector<std::string>{"close"});
}

// Node v20: setTimeout(1000) at 0, connect() at 600: no 'timeout' at 1300, one at ~1600.
TEST_CASE("idle timeout: connect() and its completion restart the idle period", "[net][socket][timeout]") {
  Trace trace;
  net::ServerPtr server;
  server = serve({}, [](const net::SocketPtr& s) { s->resume(); }, [&](std::uint16_t port) {
    auto c = net::Socket::create();
    c->setTimeout(1000ms, [&, c] {
      trace("timeout");
      c->destroy();
      server->close();
    });
    after(600ms, [&, c, port] { c->connect(port, "127.0.0.1", [&] { trace("connect"); }); });
    after(1300ms, [&] { trace("check"); });
  });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"connect", "check", "timeout"});
}

// Node v20 (test-net-timeout-no-handle): the timer runs before any connection.
TEST_CASE("idle timeout: set before connecting, it fires with no connection", "[net][socket][timeout]") {
  Trace trace;
  auto c = net::Socket::create();
  c->setTimeout(100ms, [&, c] { trace("timeout pending=" + flag(c->pending()) + " " + c->readyState()); });
  after(300ms, [c] { c->destroy(); });  // the idle timer alone does not keep the loop
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"timeout pending=true open"});
}

// ---- before connect() ---------------------------------------------------------

// Node v20: end(cb) on a new Socket, connect() 100 ms later: nothing before the
// connect; the FIN goes out then; the writable side reads as not ended until the
// automatic end() after the peer's 'end'.
TEST_CASE("end() before connect(): the FIN goes out once connected, as in Node", "[net][socket][preconnect]") {
  Trace client, server_trace;
  net::ServerPtr server;
  server = serve({}, [&](const net::SocketPtr& s) {
    s->on(net::events::data, [&](BufferView b) { server_trace("S.data " + std::string(b)); });
    s->on(net::events::end, [&] { server_trace("S.end"); });
    s->on(net::events::close, [&](bool e) {
      server_trace("S.close " + flag(e));
      server->close();
    });
  }, [&](std::uint16_t port) {
    auto c = net::Socket::create();
    c->end([&, c] { client("C.endcb " + state(*c)); });
    client("after end " + state(*c));
    c->on(net::events::connect, [&, c] { client("C.connect " + state(*c)); });
    c->on(net::events::ready, [&, c] { client("C.ready " + state(*c)); });
    c->on(net::events::end, [&, c] { client("C.end " + state(*c)); });
    c->on(net::events::finish, [&, c] { client("C.finish " + state(*c)); });
    c->on(net::events::close, [&, c](bool e) { client("C.close " + flag(e) + " " + state(*c)); });
    c->on(net::events::error, [&](const Error& e) { client("C.error " + e.code); });
    after(100ms, [&, c, port] {
      client("100ms " + state(*c));
      c->connect(port, "127.0.0.1");
      client("after connect " + state(*c));
    });
  });
  run_loop();
  CHECK(client.lines == std::vector<std::string>{
                            "after end rs=readOnly wE=true wF=false destroyed=false",
                            "100ms rs=readOnly wE=true wF=false destroyed=false",
                            "after connect rs=opening wE=false wF=false destroyed=false",
                            "C.connect rs=open wE=false wF=false destroyed=false",
                            "C.ready rs=open wE=false wF=false destroyed=false",
                            "C.end rs=writeOnly wE=false wF=false destroyed=false",
                            "C.endcb rs=closed wE=true wF=true destroyed=false",
                            "C.finish rs=closed wE=true wF=true destroyed=false",
                            "C.close false rs=closed wE=true wF=true destroyed=true"});
  CHECK(server_trace.lines == std::vector<std::string>{"S.end", "S.close false"});
}

// Node v20: end(data) before connect is a write with no connection: ERR_SOCKET_CLOSED.
TEST_CASE("end(data) before connect(): ERR_SOCKET_CLOSED, then 'close'", "[net][socket][preconnect]") {
  Trace trace;
  auto c = net::Socket::create();
  c->end("hello");
  trace("after end " + state(*c));
  c->on(net::events::error, [&](const Error& e) { trace("error " + e.code + " " + e.message); });
  c->on(net::events::finish, [&] { trace("finish"); });
  c->on(net::events::close, [&](bool e) { trace("close " + flag(e)); });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"after end rs=readOnly wE=false wF=false destroyed=false",
                                                "error ERR_SOCKET_CLOSED Socket is closed", "close false"});
}

// Node v20: destroySoon() before connect is end() plus destroy-on-finish.
TEST_CASE("destroySoon() before connect(): ends once connected, then closes", "[net][socket][preconnect]") {
  Trace trace;
  net::ServerPtr server;
  server = serve({}, [&](const net::SocketPtr& s) { s->end("x"); }, [&](std::uint16_t port) {
    auto c = net::Socket::create();
    c->destroySoon();
    c->resume();
    trace("before " + state(*c));
    c->on(net::events::connect, [&, c] { trace("connect " + state(*c)); });
    c->on(net::events::end, [&, c] { trace("end " + state(*c)); });
    c->on(net::events::finish, [&, c] { trace("finish " + state(*c)); });
    c->on(net::events::close, [&, c](bool e) {
      trace("close " + flag(e) + " " + state(*c));
      server->close();
    });
    after(100ms, [c, port] { c->connect(port, "127.0.0.1"); });
  });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"before rs=readOnly wE=true wF=false destroyed=false",
                                                "connect rs=open wE=false wF=false destroyed=false",
                                                "end rs=writeOnly wE=false wF=false destroyed=false",
                                                "finish rs=closed wE=true wF=true destroyed=false",
                                                "close false rs=closed wE=true wF=true destroyed=true"});
}

// Node v20 (test-net-persistent-nodelay / -keepalive): remembered, applied at connect.
TEST_CASE("setNoDelay() and setKeepAlive() before connect() are applied once connected", "[net][socket][preconnect]") {
  int nodelay = -1, keepalive = -1, keepidle = -1;
  net::ServerPtr server;
  server = serve({}, [](const net::SocketPtr& s) { s->resume(); }, [&](std::uint16_t port) {
    auto c = net::Socket::create();
    CHECK(&c->setNoDelay() == c.get());
    CHECK(&c->setKeepAlive(true, 5000ms) == c.get());
    c->connect(port, "127.0.0.1", [&, c] {
      int fd = fd_of(*c->localPort());
      REQUIRE(fd >= 0);
      nodelay = sockopt(fd, IPPROTO_TCP, TCP_NODELAY);
      keepalive = sockopt(fd, SOL_SOCKET, SO_KEEPALIVE);
      keepidle = sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE);
      c->destroy();
      server->close();
    });
  });
  run_loop();
  CHECK(nodelay == 1);
  CHECK(keepalive == 1);
  CHECK(keepidle == 5);
}

TEST_CASE("setNoDelay(false) and setKeepAlive(false) before connect() leave the defaults", "[net][socket][preconnect]") {
  int nodelay = -1, keepalive = -1;
  net::ServerPtr server;
  server = serve({}, [](const net::SocketPtr& s) { s->resume(); }, [&](std::uint16_t port) {
    auto c = net::Socket::create();
    c->setNoDelay(true).setNoDelay(false);
    c->setKeepAlive(true).setKeepAlive(false);
    c->connect(port, "127.0.0.1", [&, c] {
      int fd = fd_of(*c->localPort());
      REQUIRE(fd >= 0);
      nodelay = sockopt(fd, IPPROTO_TCP, TCP_NODELAY);
      keepalive = sockopt(fd, SOL_SOCKET, SO_KEEPALIVE);
      c->destroy();
      server->close();
    });
  });
  run_loop();
  CHECK(nodelay == 0);
  CHECK(keepalive == 0);
}

// Node v20: setEncoding('hex') before connect; the server's end('hé') arrives as "68c3a9".
TEST_CASE("setEncoding() before connect() decodes what arrives", "[net][socket][preconnect]") {
  Trace trace;
  net::ServerPtr server;
  server = serve({}, [](const net::SocketPtr& s) { s->end("h\xC3\xA9"); }, [&](std::uint16_t port) {
    auto c = net::Socket::create();
    CHECK(&c->setEncoding("hex") == c.get());
    c->on(net::events::data, [&](BufferView b) { trace("data " + std::string(b)); });
    c->on(net::events::close, [&](bool e) {
      trace("close " + flag(e));
      server->close();
    });
    c->connect(port, "127.0.0.1");
  });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"data 68c3a9", "close false"});
}

// Node v20: pause() before connect: nothing is read until resume().
TEST_CASE("pause() before connect(): no data until resume()", "[net][socket][preconnect]") {
  Trace trace;
  net::ServerPtr server;
  server = serve({}, [](const net::SocketPtr& s) { s->end("hi"); }, [&](std::uint16_t port) {
    auto c = net::Socket::create();
    CHECK(&c->pause() == c.get());
    c->on(net::events::data, [&](BufferView b) { trace("data " + std::string(b)); });
    c->on(net::events::end, [&] { trace("end"); });
    c->on(net::events::close, [&](bool e) {
      trace("close " + flag(e));
      server->close();
    });
    c->connect(port, "127.0.0.1", [&, c] {
      trace("connect paused=" + flag(c->isPaused()));
      after(200ms, [&, c] {
        trace("resume");
        c->resume();
      });
    });
  });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"connect paused=true", "resume", "data hi", "end", "close false"});
}

// Node v20: cork() before connect stays in force after it; writes wait for uncork().
TEST_CASE("cork() before connect(): writes wait for uncork()", "[net][socket][preconnect]") {
  Trace trace;
  std::string received;
  net::ServerPtr server;
  server = serve({}, [&](const net::SocketPtr& s) {
    s->on(net::events::data, [&](BufferView b) { received += std::string(b); });
    s->on(net::events::end, [&] { trace("server got " + received); });
  }, [&](std::uint16_t port) {
    auto c = net::Socket::create();
    c->cork();
    c->connect(port, "127.0.0.1", [&, c] {
      trace("connect corked=" + std::to_string(c->writableCorked()));
      c->write("a");
      c->write("b");
      after(200ms, [&, c] {
        trace("uncork, server had '" + received + "'");
        c->uncork();
        c->end();
      });
    });
    c->on(net::events::close, [&](bool) { server->close(); });
  });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"connect corked=1", "uncork, server had ''", "server got ab"});
}

// Node v20 (Writable.end): end() uncorks, so corked data goes out before the FIN.
TEST_CASE("end() uncorks", "[net][socket]") {
  std::string received;
  net::ServerPtr server;
  server = serve({}, [&](const net::SocketPtr& s) {
    s->on(net::events::data, [&](BufferView b) { received += std::string(b); });
  }, [&](std::uint16_t port) {
    auto c = net::connect(port, "127.0.0.1", [] {});
    c->on(net::events::connect, [c] {
      c->cork();
      c->write("a");
      c->end("b");
      CHECK(c->writableCorked() == 0);
    });
    c->on(net::events::close, [&](bool) { server->close(); });
  });
  run_loop();
  CHECK(received == "ab");
}

// Node v20 (test-net-persistent-ref-unref): unref() before connect applies once connected.
TEST_CASE("unref() before connect(): the loop may end once connected", "[net][socket][preconnect][ref]") {
  Trace trace;
  net::SocketPtr accepted;
  auto server = serve({}, [&](const net::SocketPtr& s) {
    s->unref();
    accepted = s;
  }, [&](std::uint16_t port) {
    auto c = net::Socket::create();
    CHECK(&c->unref() == c.get());
    c->connect(port, "127.0.0.1", [&] { trace("connect"); });
  });
  server->unref();
  run_loop(5s);
  CHECK(trace.lines == std::vector<std::string>{"connect"});
  accepted->destroy();
  server->close();
  run_loop();
}

// Node v20 (test-net-persistent-ref-unref): unref() then ref() before connect leaves
// the connection ref'd: the loop runs on until it closes.
TEST_CASE("unref() then ref() before connect(): the connection keeps the loop", "[net][socket][preconnect][ref]") {
  Trace trace;
  net::SocketPtr accepted;
  auto server = serve({}, [&](const net::SocketPtr& s) {
    s->unref();
    accepted = s;
  }, [&](std::uint16_t port) {
    auto c = net::Socket::create();
    CHECK(&c->unref().ref() == c.get());
    c->connect(port, "127.0.0.1", [&, c] {
      trace("connect");
      // An unref'd timer: it runs only if something else keeps the loop.
      berth::setTimeout([&, c] {
        trace("still running");
        c->destroy();
        accepted->destroy();
      }, 200ms)->unref();
    });
  });
  server->unref();
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"connect", "still running"});
  server->close();
  run_loop();
}

// Node v20: resetAndDestroy() with no handle is destroy(ERR_SOCKET_CLOSED).
TEST_CASE("resetAndDestroy() before connect(): 'error' ERR_SOCKET_CLOSED, then 'close'", "[net][socket][preconnect]") {
  Trace trace;
  auto c = net::Socket::create();
  CHECK(&c->resetAndDestroy() == c.get());
  trace("sync " + state(*c));
  c->on(net::events::error, [&](const Error& e) { trace("error " + e.code + " " + e.message); });
  c->on(net::events::close, [&](bool e) { trace("close " + flag(e)); });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"sync rs=closed wE=false wF=false destroyed=true",
                                                "error ERR_SOCKET_CLOSED Socket is closed", "close false"});
}

// Node v20: a new Socket's properties, and each setter leaves them as Node does.
TEST_CASE("properties of a socket that never connected", "[net][socket][preconnect]") {
  auto c = net::Socket::create();
  CHECK_FALSE(c->address());
  CHECK_FALSE(c->localAddress());
  CHECK_FALSE(c->localPort());
  CHECK_FALSE(c->localFamily());
  CHECK_FALSE(c->remoteAddress());
  CHECK_FALSE(c->remotePort());
  CHECK_FALSE(c->remoteFamily());
  CHECK_FALSE(c->bufferSize());
  CHECK(c->writableLength() == 0);
  CHECK(c->bytesRead() == 0);
  CHECK(c->bytesWritten() == 0);
  CHECK(c->pending());
  CHECK_FALSE(c->connecting());
  CHECK(c->readyState() == "open");
  CHECK_FALSE(c->allowHalfOpen());
  CHECK_FALSE(c->isPaused());
  CHECK_FALSE(c->readableFlowing());
  c->setTimeout(50.0);
  CHECK(c->timeout() == 50ms);
  c->setTimeout(0);
  c->cork();
  CHECK(c->writableCorked() == 1);
  c->uncork();
  CHECK(c->writableCorked() == 0);
  c->resume();
  CHECK(c->readableFlowing() == true);
  c->pause();
  CHECK(c->isPaused());
  CHECK(c->readyState() == "open");
  net::SocketOptions half;
  half.allowHalfOpen = true;
  CHECK(net::Socket::create(half)->allowHalfOpen());
  c->destroy();
  run_loop();
}

// ---- write callbacks of a socket destroyed early -------------------------------

// Node v20 (test-net-write-cb-on-destroy-before-connect): writes made while
// connecting fail in a 'close' listener Node registers at the first write: the
// first with ERR_SOCKET_CLOSED_BEFORE_CONNECTION, later ones with the socket's error.
TEST_CASE("destroy while connecting: write callbacks after 'error', at the first write's 'close' listener",
          "[net][socket][destroy]") {
  bool with_error = GENERATE(false, true);
  Trace trace;
  net::ServerPtr server;
  server = serve({}, [](const net::SocketPtr& s) { s->resume(); }, [&](std::uint16_t port) {
    auto c = net::Socket::create();
    c->on(net::events::connect, [&] { trace("connect"); });
    c->on(net::events::error, [&](const Error& e) { trace("error " + e.message); });
    c->on(net::events::close, [&](bool e) {
      trace("close " + flag(e));
      server->close();
    });
    c->connect(port, "127.0.0.1");
    CHECK(c->connecting());
    c->write("a", [&](const Error& e) { trace("a " + e.code + " " + e.message); });
    c->write("b", [&](const Error& e) { trace("b " + e.code + " " + e.message); });
    c->on(net::events::close, [&](bool) { trace("late close listener"); });
    if (with_error) c->destroy(Error("", "boom"));
    else c->destroy();
  });
  run_loop();
  if (with_error)
    CHECK(trace.lines == std::vector<std::string>{
                             "error boom", "close true",
                             "a ERR_SOCKET_CLOSED_BEFORE_CONNECTION Socket closed before the connection was established",
                             "b  boom", "late close listener"});
  else
    CHECK(trace.lines == std::vector<std::string>{
                             "close false",
                             "a ERR_SOCKET_CLOSED_BEFORE_CONNECTION Socket closed before the connection was established",
                             "b ERR_SOCKET_CLOSED_BEFORE_CONNECTION Socket closed before the connection was established",
                             "late close listener"});
}

// Node v20: corked writes while connecting were never handed on: they fail with
// ERR_STREAM_DESTROYED (or the error) on the next tick, before 'error' and 'close'.
TEST_CASE("destroy while connecting with corked writes: callbacks first, then 'error', then 'close'",
          "[net][socket][destroy]") {
  bool with_error = GENERATE(false, true);
  Trace trace;
  net::ServerPtr server;
  server = serve({}, [](const net::SocketPtr& s) { s->resume(); }, [&](std::uint16_t port) {
    auto c = net::Socket::create();
    c->on(net::events::error, [&](const Error& e) { trace("error " + e.message); });
    c->on(net::events::close, [&](bool e) {
      trace("close " + flag(e));
      server->close();
    });
    c->connect(port, "127.0.0.1");
    c->cork();
    c->write("a", [&](const Error& e) { trace("a " + e.code + " " + e.message); });
    c->write("b", [&](const Error& e) { trace("b " + e.code + " " + e.message); });
    if (with_error) c->destroy(Error("", "boom"));
    else c->destroy();
  });
  run_loop();
  if (with_error)
    CHECK(trace.lines == std::vector<std::string>{"a  boom", "b  boom", "error boom", "close true"});
  else
    CHECK(trace.lines == std::vector<std::string>{"a ERR_STREAM_DESTROYED Cannot call write after a stream was destroyed",
                                                  "b ERR_STREAM_DESTROYED Cannot call write after a stream was destroyed",
                                                  "close false"});
}

// Node v20: on a connected socket, queued writes the kernel has not started fail
// with ERR_STREAM_DESTROYED (or the destroy error) before 'error' and 'close'.
TEST_CASE("destroy after connect with queued writes: callbacks, then 'error', then 'close'", "[net][socket][destroy]") {
  bool with_error = GENERATE(false, true);
  Trace trace;
  net::ServerPtr server;
  server = serve({}, [](const net::SocketPtr& s) { s->resume(); }, [&](std::uint16_t port) {
    auto c = net::connect(port, "127.0.0.1");
    c->on(net::events::error, [&](const Error& e) { trace("error " + e.message); });
    c->on(net::events::close, [&](bool e) {
      trace("close " + flag(e));
      server->close();
    });
    c->on(net::events::connect, [&, c] {
      c->cork();
      c->write("a", [&](const Error& e) { trace("a " + e.code + " " + e.message); });
      c->write("b", [&](const Error& e) { trace("b " + e.code + " " + e.message); });
      if (with_error) c->destroy(Error("", "boom"));
      else c->destroy();
    });
  });
  run_loop();
  if (with_error)
    CHECK(trace.lines == std::vector<std::string>{"a  boom", "b  boom", "error boom", "close true"});
  else
    CHECK(trace.lines == std::vector<std::string>{"a ERR_STREAM_DESTROYED Cannot call write after a stream was destroyed",
                                                  "b ERR_STREAM_DESTROYED Cannot call write after a stream was destroyed",
                                                  "close false"});
}

// Node v20: a write the kernel is still taking when destroy() closes the handle calls
// back without error (onWriteComplete on a destroyed stream), after 'error'; the
// writes queued behind it fail; then 'close'.
TEST_CASE("destroy with a write at the kernel: 'error', its callback without error, the rest failed, 'close'",
          "[net][socket][destroy]") {
  bool with_error = GENERATE(false, true);
  Trace trace;
  net::ServerPtr server;
  net::SocketPtr accepted;
  server = serve({}, [&](const net::SocketPtr& s) {
    s->pause();
    accepted = s;
    s->on(net::events::error, [](const Error&) {});
  }, [&](std::uint16_t port) {
    auto c = net::connect(port, "127.0.0.1");
    c->on(net::events::error, [&](const Error& e) { trace("error " + e.message); });
    c->on(net::events::close, [&](bool e) {
      trace("close " + flag(e));
      accepted->destroy();
      server->close();
    });
    c->on(net::events::connect, [&, c] {
      std::vector<std::uint8_t> big(std::size_t{16} << 20, 'x');
      c->write(BufferView(big.data(), big.size()), [&](const Error& e) { trace("a " + (e ? e.code : "ok")); });
      c->write("b", [&](const Error& e) { trace("b " + e.code + " " + e.message); });
      if (with_error) c->destroy(Error("", "boom"));
      else c->destroy();
    });
  });
  run_loop();
  if (with_error)
    CHECK(trace.lines == std::vector<std::string>{"error boom", "a ok", "b  boom", "close true"});
  else
    CHECK(trace.lines == std::vector<std::string>{
                             "a ok", "b ERR_STREAM_DESTROYED Cannot call write after a stream was destroyed", "close false"});
}

// ---- API surface ------------------------------------------------------------------

namespace {
template <class S>
concept can_set_timeout_bool = requires(S& s) { s.setTimeout(true); };
template <class S>
concept can_set_timeout_int = requires(S& s) { s.setTimeout(300); };
template <class S>
concept can_connect_port_listener = requires(S& s) {
  s.connect(80, [] {});
  s.connect(0, std::function<void()>{});
  s.connect(std::uint16_t{80}, [] {});
  s.connect(PortValue(80), [] {});
  s.connect(80, "localhost", [] {});
  s.connect(80);
};
}  // namespace

static_assert(!can_set_timeout_bool<net::Socket>, "setTimeout(bool) must not compile (Node: ERR_INVALID_ARG_TYPE)");
static_assert(can_set_timeout_int<net::Socket>);
static_assert(can_connect_port_listener<net::Socket>);

// Node v20: connect(port, listener) connects to localhost.
TEST_CASE("connect(port, listener) with no host: net::connect, createConnection and Socket::connect",
          "[net][socket]") {
  Trace trace;
  net::ServerPtr server;
  int closed = 0;
  server = serve({}, [](const net::SocketPtr& s) { s->end(); }, [&](std::uint16_t port) {
    auto count = [&](bool) {
      if (++closed == 3) server->close();
    };
    auto a = net::connect(port, [&] { trace("net::connect"); });
    auto b = net::createConnection(port, [&] { trace("createConnection"); });
    auto c = net::Socket::create();
    c->connect(port, [&] { trace("Socket::connect"); });
    for (auto& s : {a, b, c}) {
      s->resume();
      s->on(net::events::close, count);
    }
  });
  run_loop();
  std::sort(trace.lines.begin(), trace.lines.end());
  CHECK(trace.lines == std::vector<std::string>{"Socket::connect", "createConnection", "net::connect"});
}

TEST_CASE("allowHalfOpen is readable, from the socket's or net::connect's options", "[net][socket]") {
  net::ServerPtr server;
  bool plain = true, half = false;
  int closed = 0;
  server = serve({}, [](const net::SocketPtr& s) { s->end(); }, [&](std::uint16_t port) {
    net::ConnectOptions o;
    o.port = port;
    o.host = "127.0.0.1";
    auto a = net::connect(o);
    o.allowHalfOpen = true;
    auto b = net::connect(o);
    plain = a->allowHalfOpen();
    half = b->allowHalfOpen();
    for (auto& s : {a, b}) {
      s->resume();
      s->on(net::events::end, [raw = s.get()] { raw->end(); });
      s->on(net::events::close, [&](bool) {
        if (++closed == 2) server->close();
      });
    }
  });
  run_loop();
  CHECK_FALSE(plain);
  CHECK(half);
}

// ---- 'data' after destroy() --------------------------------------------------------

// Node v20: a 'data' listener added (starting the flow) before destroy() in the same
// turn still gets what was already read; one added after destroy() gets nothing.
// 'end' is not emitted in either case.
TEST_CASE("data read before destroy() reaches a 'data' listener added just before it", "[net][socket][destroy]") {
  bool listen_first = GENERATE(true, false);
  Trace trace;
  net::ServerPtr server;
  server = serve({}, [](const net::SocketPtr& s) { s->end("hello world"); }, [&](std::uint16_t port) {
    auto c = net::connect(port, "127.0.0.1");
    c->on(net::events::connect, [&, c] {
      after(100ms, [&, c] {
        if (listen_first) {
          c->on(net::events::data, [&](BufferView b) { trace("data " + std::string(b)); });
          c->destroy();
        } else {
          c->destroy();
          c->on(net::events::data, [&](BufferView b) { trace("data " + std::string(b)); });
        }
        c->on(net::events::end, [&] { trace("end"); });
        c->on(net::events::close, [&](bool e) {
          trace("close " + flag(e));
          server->close();
        });
      });
    });
  });
  run_loop();
  if (listen_first) CHECK(trace.lines == std::vector<std::string>{"data hello world", "close false"});
  else CHECK(trace.lines == std::vector<std::string>{"close false"});
}

// end()'s callback, in every state a socket can be in when it is destroyed or already
// finished. The expected lines are what Node v20 printed for the same steps (probe:
// each case on its own socket to a pauseOnConnect server, one after the other).
namespace {

struct EndCase {
  std::string name;
  // Drives the client; `cb` is the end callback to pass, `trace` the event log.
  std::function<void(const net::SocketPtr& c, net::WriteCallback cb, std::function<void()> done)> steps;
  bool connect_first;  // run `steps` once connected (else right after net::connect)
  std::vector<std::string> expected;
  std::uint16_t port_override = 0;  // 1: a port nobody listens on (connection refused)
};

std::vector<std::string> run_end_case(const EndCase& k) {
  Trace trace;
  net::ServerPtr server;
  server = serve({.pauseOnConnect = true}, [](const net::SocketPtr& s) { s->on(net::events::error, [](const Error&) {}); },
                 [&](std::uint16_t port) {
                   auto c = net::connect(k.port_override ? k.port_override : port, "127.0.0.1");
                   c->on(net::events::finish, [&] { trace("finish"); });
                   c->on(net::events::error, [&](const Error& e) { trace("error " + e.code); });
                   c->on(net::events::close, [&](bool e) {
                     trace("close " + flag(e));
                     after(30ms, [&] { server->close(); });
                   });
                   net::WriteCallback cb = [&](const Error& e) {
                     trace("end cb " + (e ? e.code + " " + e.message : std::string("no error")));
                   };
                   auto done = [c] { if (!c->destroyed()) c->destroy(); };
                   if (k.connect_first) c->on(net::events::connect, [&, c, cb, done] { k.steps(c, cb, done); });
                   else k.steps(c, cb, done);
                 });
  run_loop();
  return trace.lines;
}

}  // namespace

TEST_CASE("end(callback) is called once in every state, with Node's error", "[net][socket][destroy][end]") {
  const std::string destroyed = "ERR_STREAM_DESTROYED Cannot call end after a stream was destroyed";
  const std::vector<EndCase> cases = {
      {"A: a big write at the kernel, end(cb), destroy()",
       [](auto c, auto cb, auto) {
         c->write(Buffer::alloc(8 << 20));
         c->end(cb);
         c->destroy();
       },
       true, {"end cb " + destroyed, "close false"}},
      {"A2: nothing queued, end(cb), destroy()",
       [](auto c, auto cb, auto) {
         c->end(cb);
         c->destroy();
       },
       true, {"end cb " + destroyed, "close false"}},
      {"B: connecting, end(cb), destroy()",
       [](auto c, auto cb, auto) {
         c->end(cb);
         c->destroy();
       },
       false, {"end cb " + destroyed, "close false"}},
      {"C: destroyed, then end(cb): never called",
       [](auto c, auto cb, auto) {
         c->destroy();
         after(20ms, [c, cb] { c->end(cb); });
       },
       true, {"close false"}},
      {"D: finished, then end(cb)",
       [](auto c, auto cb, auto done) {
         c->end();
         after(30ms, [c, cb, done] {
           c->end(cb);
           after(20ms, done);
         });
       },
       true, {"finish", "end cb ERR_STREAM_ALREADY_FINISHED Cannot call end after a stream was finished", "close false"}},
      {"E: two end(cb) before 'finish'",
       [](auto c, auto cb, auto done) {
         c->end(cb);
         c->end(cb);
         after(30ms, done);
       },
       true, {"end cb no error", "end cb no error", "finish", "close false"}},
      {"F: a big write at the kernel, end(cb), destroy(error)",
       [](auto c, auto cb, auto) {
         c->write(Buffer::alloc(8 << 20));
         c->end(cb);
         c->destroy(Error("EBOOM", "boom"));
       },
       true, {"error EBOOM", "end cb EBOOM boom", "close true"}},
      {"G: connecting, end(cb), connection refused",
       [](auto c, auto cb, auto) { c->end(cb); },
       false, {"end cb ECONNREFUSED connect ECONNREFUSED 127.0.0.1:1", "error ECONNREFUSED", "close true"}, 1},
      {"H: connecting, end(data, cb), destroy()",
       [](auto c, auto cb, auto) {
         c->end("x", cb);
         c->destroy();
       },
       false,
       {"close false",
        "end cb ERR_SOCKET_CLOSED_BEFORE_CONNECTION Socket closed before the connection was established"}},
  };
  for (const auto& k : cases) {
    INFO(k.name);
    CHECK(run_end_case(k) == k.expected);
  }
}

TEST_CASE("end() with a void() callback is called where Node calls it, the error ignored",
          "[net][socket][destroy][end]") {
  Trace trace;
  net::ServerPtr server;
  server = serve({.pauseOnConnect = true}, {}, [&](std::uint16_t port) {
    auto c = net::connect(port, "127.0.0.1");
    c->on(net::events::connect, [&, c] {
      c->end([&] { trace("end cb"); });
      c->destroy();
    });
    c->on(net::events::close, [&](bool) {
      trace("close");
      server->close();
    });
  });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"end cb", "close"});
}
