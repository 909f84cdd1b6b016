#include "berth/net/server.hpp"

#include <catch2/catch.hpp>
#include <filesystem>

#include "berth/net.hpp"
#include "net_support.hpp"
#include "support.hpp"

using namespace berth;
using berth::test::run_loop;
using berth::test::Trace;

TEST_CASE("address() is null before listen and after close, listening follows", "[net][server]") {
  auto server = net::createServer();
  CHECK_FALSE(server->address());
  CHECK_FALSE(server->listening());
  Trace trace;
  server->listen(0, "127.0.0.1", [&] {
    auto a = server->address();
    REQUIRE(a);
    CHECK(a->address == "127.0.0.1");
    CHECK(a->family == "IPv4");
    CHECK(a->port > 0);
    CHECK(server->listening());
    server->close([&](const Error& e) {
      trace(e ? e.code : "closed");
      CHECK_FALSE(server->address());
      CHECK_FALSE(server->listening());
    });
  });
  CHECK_FALSE(server->listening());  // with a host, the lookup comes first
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"closed"});
}

TEST_CASE("listen() with no host binds :: at once and emits 'listening' on the next tick", "[net][server]") {
  auto server = net::createServer();
  Trace trace;
  server->on(net::events::listening, [&] { trace("listening-event"); });
  server->listen([&] { trace("cb"); server->close(); });
  trace(server->listening() ? "sync-listening" : "sync-not-listening");
  CHECK(server->address()->address == "::");
  CHECK(server->address()->family == "IPv6");
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"sync-listening", "listening-event", "cb"});
}

TEST_CASE("a second listen() while listening throws ERR_SERVER_ALREADY_LISTEN", "[net][server]") {
  auto server = net::createServer();
  server->listen();
  try {
    server->listen();
    FAIL("listen should have thrown");
  } catch (const Error& e) {
    CHECK(e.code == "ERR_SERVER_ALREADY_LISTEN");
    CHECK(e.message == "Listen method has been called more than once without closing.");
  }
  server->close();
  run_loop();
}

TEST_CASE("two synchronous listen() calls with a host: the later wins, both callbacks run", "[net][server]") {
  auto server = net::createServer();
  Trace trace;
  server->on(net::events::listening, [&] { trace("listening-event"); });
  server->listen(0, "127.0.0.1", [&] { trace("cb1"); });
  server->listen(0, "127.0.0.1", [&] { trace("cb2"); server->close(); });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"listening-event", "cb1", "cb2"});
}

TEST_CASE("EADDRINUSE arrives as an 'error' event and listen() may be called again", "[net][server]") {
  auto first = net::createServer();
  auto second = net::createServer();
  Trace trace;
  std::uint16_t port = 0;
  second->on(net::events::error, [&](const Error& e) {
    trace(e.code + " " + e.syscall + " " + *e.address + " " + e.message);
    CHECK(*e.port == port);
    CHECK(e.errnum == -98);
    CHECK_FALSE(second->listening());
    CHECK_FALSE(second->address());
    second->listen(0, "127.0.0.1", [&] {
      trace("relisten");
      second->close();
      first->close();
    });
  });
  second->on(net::events::close, [&] { trace("close"); });
  first->listen(0, "127.0.0.1", [&] {
    port = first->address()->port;
    second->listen(port, "127.0.0.1", [&] { trace("first-cb"); });
  });
  run_loop();
  // As in Node: the first listen's callback stays a once('listening') listener.
  CHECK(trace.lines == std::vector<std::string>{
                           "EADDRINUSE listen 127.0.0.1 listen EADDRINUSE: address already in use 127.0.0.1:" +
                               std::to_string(port),
                           "first-cb", "relisten", "close"});
}

TEST_CASE("EADDRINUSE on :: says ':::PORT' and on a Unix path gives port -1", "[net][server]") {
  berth::test::TempDir dir;
  auto a = net::createServer(), b = net::createServer();
  auto ua = net::createServer(), ub = net::createServer();
  auto path = dir.file("inuse.sock");
  Trace trace;
  a->listen();
  auto port = a->address()->port;
  b->on(net::events::error, [&](const Error& e) { trace(e.message); });
  b->listen(port);
  ua->listen(path);
  ub->on(net::events::error, [&](const Error& e) {
    trace(e.message);
    CHECK(*e.port == -1);
    CHECK(*e.address == path);
    a->close();
    ua->close();
  });
  ub->listen(path);
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{
                           "listen EADDRINUSE: address already in use :::" + std::to_string(port),
                           "listen EADDRINUSE: address already in use " + path});
}

TEST_CASE("bad listen ports throw ERR_SOCKET_BAD_PORT naming options.port", "[net][server]") {
  auto server = net::createServer();
  for (PortValue p : {PortValue(-1), PortValue(65536), PortValue(1.5), PortValue("abc")}) {
    try {
      server->listen(p);
      FAIL("listen should have thrown");
    } catch (const Error& e) {
      CHECK(e.code == "ERR_SOCKET_BAD_PORT");
      CHECK(e.message.rfind("options.port should be >= 0 and < 65536. Received ", 0) == 0);
    }
  }
  try {
    server->listen(net::ListenOptions{});
    FAIL("listen({}) should have thrown");
  } catch (const Error& e) {
    CHECK(e.code == "ERR_INVALID_ARG_VALUE");
    CHECK(e.message == "The argument 'options' must have the property \"port\" or \"path\". Received {}");
  }
  net::ListenOptions only_host;
  only_host.host = "127.0.0.1";
  try {
    server->listen(only_host);
    FAIL("listen({host}) should have thrown");
  } catch (const Error& e) {
    CHECK(e.message == "The argument 'options' must have the property \"port\" or \"path\". Received { host: '127.0.0.1' }");
  }
}

TEST_CASE("close() on a server that never listened: 'close' first, then ERR_SERVER_NOT_RUNNING", "[net][server]") {
  auto server = net::createServer();
  Trace trace;
  server->on(net::events::close, [&] { trace("close-event"); });
  server->close([&](const Error& e) { trace("cb:" + e.code); });
  trace("sync-after-close");
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"sync-after-close", "close-event", "cb:ERR_SERVER_NOT_RUNNING"});
}

TEST_CASE("closing a listening server twice: cb1 clean, cb2 not running, 'close' twice", "[net][server]") {
  auto server = net::createServer();
  Trace trace;
  server->on(net::events::close, [&] { trace("close-event"); });
  server->listen(0, "127.0.0.1", [&] {
    server->close([&](const Error& e) { trace("cb1:" + (e ? e.code : std::string("ok"))); });
    server->close([&](const Error& e) { trace("cb2:" + (e ? e.code : std::string("ok"))); });
  });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"close-event", "cb1:ok", "cb2:ERR_SERVER_NOT_RUNNING", "close-event"});
}

TEST_CASE("close() with a live connection refuses new ones but 'close' waits for the last", "[net][server]") {
  auto server = net::createServer();
  Trace trace;
  net::SocketPtr held;
  server->on(net::events::connection, [&](const net::SocketPtr& s) { held = s; });
  server->on(net::events::close, [&] { trace("server close"); });
  server->listen(0, "127.0.0.1", [&] {
    auto port = server->address()->port;
    auto client = net::connect(port, "127.0.0.1");
    client->on(net::events::connect, [&, port, client] {
      // Give the server a turn to accept, then close it.
      auto timer = std::make_shared<asio::steady_timer>(Loop::current().context(), std::chrono::milliseconds(20));
      timer->async_wait([&, timer, port, client](std::error_code) {
        server->close([&](const Error& e) { trace("close cb " + (e ? e.code : std::string("ok"))); });
        CHECK_FALSE(server->listening());
        CHECK_FALSE(server->address());
        server->getConnections([&](const Error&, std::size_t n) { trace("connections " + std::to_string(n)); });
        auto late = net::connect(port, "127.0.0.1");
        late->on(net::events::error, [&, client](const Error& e) {
          trace("late " + e.code);
          client->end();
        });
      });
    });
    client->on(net::events::close, [&](bool) { trace("client close"); });
  });
  run_loop();
  // Node's order (node v20, same program): the server counts the connection out
  // when its socket is destroyed, before the client sees the server side's FIN.
  CHECK(trace.lines == std::vector<std::string>{"connections 1", "late ECONNREFUSED", "server close", "close cb ok",
                                                "client close"});
}

TEST_CASE("maxConnections: the extra client sees connect, end, close(false) and the server emits 'drop'", "[net][server]") {
  auto server = net::createServer();
  server->maxConnections = 1;
  Trace trace;
  std::vector<net::SocketPtr> accepted;
  server->on(net::events::connection, [&](const net::SocketPtr& s) { accepted.push_back(s); trace("server connection"); });
  server->on(net::events::drop, [&](const net::DropInfo& d) {
    trace("drop " + *d.localAddress + " " + *d.remoteAddress + " " + *d.remoteFamily + " " + *d.localFamily);
    CHECK(*d.localPort == server->address()->port);
    CHECK(d.remotePort);
  });
  server->listen(0, "127.0.0.1", [&] {
    auto port = server->address()->port;
    auto first = net::connect(port, "127.0.0.1");
    first->on(net::events::connect, [&, port, first] {
      auto second = net::connect(port, "127.0.0.1");
      second->write("data");
      second->on(net::events::connect, [&] { trace("second connect"); });
      second->on(net::events::end, [&] { trace("second end"); });
      second->on(net::events::error, [&](const Error& e) { trace("second error " + e.code); });
      second->on(net::events::close, [&, first](bool e) {
        trace(std::string("second close ") + (e ? "true" : "false"));
        first->destroy();
        server->close();
      });
    });
  });
  run_loop();
  REQUIRE(trace.lines.size() == 5);
  CHECK(trace.lines[0] == "server connection");
  // 'drop' (server side) and the client's events interleave with timing; each side's order is fixed.
  std::vector<std::string> client_side;
  for (auto& l : trace.lines)
    if (l.rfind("second", 0) == 0) client_side.push_back(l);
  CHECK(client_side == std::vector<std::string>{"second connect", "second end", "second close false"});
  CHECK(std::count(trace.lines.begin(), trace.lines.end(), "drop 127.0.0.1 127.0.0.1 IPv4 IPv4") == 1);
}

TEST_CASE("getConnections answers asynchronously and drops after the peer closes", "[net][server]") {
  auto server = net::createServer();
  Trace trace;
  server->on(net::events::connection, [&](const net::SocketPtr& s) {
    auto sync = std::make_shared<bool>(true);
    server->getConnections([&, s, sync](const Error& e, std::size_t n) {
      trace(std::string(*sync ? "sync " : "async ") + std::to_string(n) + (e ? " err" : ""));
      s->on(net::events::close, [&](bool) {
        server->getConnections([&](const Error&, std::size_t n2) {
          trace("after close " + std::to_string(n2));
          server->close();
        });
      });
      s->end();
    });
    *sync = false;
  });
  server->listen(0, "127.0.0.1", [&] { net::connect(server->address()->port, "127.0.0.1")->resume(); });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"async 1", "after close 0"});
}

TEST_CASE("a Unix server reports its path, gives undefined addresses, and unlinks on close", "[net][server][unix]") {
  berth::test::TempDir dir;
  auto path = dir.file("srv.sock");
  auto server = net::createServer([&](const net::SocketPtr& s) {
    CHECK_FALSE(s->remoteAddress());
    CHECK_FALSE(s->remotePort());
    CHECK_FALSE(s->localAddress());
    s->end("bye");
  });
  Trace trace;
  server->listen(path, [&] {
    CHECK(server->address()->address == path);
    CHECK(std::filesystem::is_socket(path));
    auto client = net::connect(path);
    client->on(net::events::lookup, [&](auto&&...) { trace("lookup"); });
    client->on(net::events::connect, [&] { trace("connect"); });
    client->on(net::events::ready, [&] { trace("ready"); });
    client->on(net::events::data, [&](BufferView b) { trace("data " + std::string(b)); });
    client->on(net::events::end, [&] { trace("end"); });
    client->on(net::events::close, [&](bool e) {
      trace(std::string("close ") + (e ? "true" : "false"));
      server->close();
      CHECK_FALSE(std::filesystem::exists(path));
    });
  });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"connect", "ready", "data bye", "end", "close false"});
}

TEST_CASE("an unref'd server lets the loop end, ref() before listen keeps it", "[net][server][ref]") {
  auto server = net::createServer();
  server->unref();
  server->listen(0, "127.0.0.1");
  auto start = std::chrono::steady_clock::now();
  run_loop(std::chrono::seconds(5));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  CHECK(server->listening());
  server->close();
  run_loop();
}

TEST_CASE("an aborted signal closes a listening server with 'close' and no 'error'", "[net][server][abort]") {
  AbortController controller;
  auto server = net::createServer();
  Trace trace;
  server->on(net::events::error, [&](const Error& e) { trace("error " + e.code); });
  server->on(net::events::close, [&] { trace("close"); });
  net::ListenOptions options;
  options.port = 0;
  options.host = "127.0.0.1";
  options.signal = controller.signal();
  server->listen(options, [&] {
    trace("listening");
    controller.abort();
    CHECK_FALSE(server->listening());
  });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"listening", "close"});

  auto pre = net::createServer();
  Trace pre_trace;
  pre->on(net::events::listening, [&] { pre_trace("listening"); });
  pre->on(net::events::close, [&] { pre_trace("close"); });
  net::ListenOptions aborted;
  aborted.port = 0;
  aborted.signal = AbortSignal::abort();
  pre->listen(aborted);
  run_loop();
  CHECK(pre_trace.lines == std::vector<std::string>{"close"});
}

TEST_CASE("destroying a loop releases listeners that capture their own server or socket", "[net][server]") {
  // Node's garbage collector breaks such cycles; in C++ the loop's shutdown does.
  std::weak_ptr<net::Server> server_seen;
  std::weak_ptr<net::Socket> client_seen;
  std::weak_ptr<net::Socket> idle_seen;
  {
    Loop loop;
    auto server = net::Server::create({}, {}, loop);
    auto idle = net::Socket::create({}, loop);  // never connected
    idle->on(net::events::connect, [idle] {});
    server->on(net::events::connection, [server](const net::SocketPtr&) {});
    server->listen(0, "127.0.0.1", [server, &loop, &client_seen] {
      // Left open and connected when the loop goes.
      auto client = net::Socket::create({}, loop);
      client_seen = client;
      client->on(net::events::connect, [client, &loop] { loop.stop(); });
      client->connect(server->address()->port, "127.0.0.1");
    });
    server_seen = server;
    idle_seen = idle;
    loop.run();
    CHECK(server->listening());
    CHECK_FALSE(server_seen.expired());
  }
  CHECK(server_seen.expired());
  CHECK(client_seen.expired());
  CHECK(idle_seen.expired());
}

TEST_CASE("an accepted socket nobody holds stays open until it closes, as Node's handle does", "[net][server]") {
  // Node v20: a paused accepted socket whose object nobody keeps is still connected (its
  // handle is open); the client sees no 'end', and the server counts it.
  std::weak_ptr<net::Socket> accepted;
  net::SocketPtr client;
  bool client_ended = false;
  std::size_t counted = 0;
  auto server = net::createServer({.pauseOnConnect = true}, [&](const net::SocketPtr& c) { accepted = c; });
  server->listen(0, "127.0.0.1", [&] {
    client = net::connect(server->address()->port, "127.0.0.1");
    client->on(net::events::end, [&] { client_ended = true; });
    client->on(net::events::connect, [&] {
      client->write("still there?");
      berth::setTimeout([&] {
        server->getConnections([&](const Error&, std::size_t n) {
          counted = n;
          CHECK_FALSE(accepted.expired());
          if (auto s = accepted.lock()) s->destroy();
          client->destroy();
          server->close();
        });
      }, std::chrono::milliseconds(100));
    });
  });
  run_loop();
  CHECK(counted == 1);
  CHECK_FALSE(client_ended);
}

TEST_CASE("a socket waiting on its AbortSignal lives until it closes, as Node's does", "[net][abort]") {
  // Node v20: the signal's listener keeps the socket reachable; aborting it later
  // emits 'error' (AbortError) and 'close' (undefined: it never had a handle, which
  // berth's bool spells false) although nobody kept the socket.
  AbortController controller;
  std::vector<std::string> seen;
  {
    auto socket = net::Socket::create({.signal = controller.signal()});
    socket->on(net::events::error, [&](const Error& e) { seen.push_back("error " + e.code); });
    socket->on(net::events::close, [&](bool hadError) { seen.push_back(hadError ? "close true" : "close false"); });
  }
  berth::setTimeout([&] { controller.abort(); }, std::chrono::milliseconds(10));
  run_loop();
  CHECK(seen == std::vector<std::string>{"error ABORT_ERR", "close false"});
}
