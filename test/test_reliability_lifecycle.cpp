// Reliability: aborting connect and listen, destroy() from inside every listener,
// and exceptions thrown by listeners (they reach the caller of the loop's run(),
// and the loop can run again afterwards).

#include <catch2/catch.hpp>
#include <stdexcept>

#include "berth/net.hpp"
#include "reliability/support.hpp"
#include "reliability/watch.hpp"

using namespace berth;
using namespace berth::reliability;

namespace {

// A server on 127.0.0.1 that echoes (and, with `on_connection`, does more first).
net::ServerPtr echo_server(std::function<void(const net::SocketPtr&)> on_connection = {}) {
  auto server = net::createServer([on_connection](const net::SocketPtr& s) {
    s->on(net::events::error, [](const Error&) {});
    if (on_connection) on_connection(s);
    if (!s->destroyed()) s->pipe(s);
  });
  server->listen(0, "127.0.0.1");
  run_until([&] { return server->listening(); });
  return server;
}

// A port nothing listens on: bound by a server that is closed again.
std::uint16_t refused_port() {
  auto s = net::createServer();
  s->listen(0, "127.0.0.1");
  run_until([&] { return s->listening(); });
  auto port = s->address()->port;
  s->close();
  run_for(milliseconds(10));
  return port;
}

bool echo_round_trip(std::uint16_t port, const std::string& text = "still serving") {
  std::string got;
  bool closed = false;
  auto c = net::connect(port, "127.0.0.1");
  c->on(net::events::error, [](const Error&) {});
  c->on(net::events::data, [&](BufferView chunk) {
    got.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
    if (got.size() >= text.size()) c->end();
  });
  c->on(net::events::close, [&] { closed = true; });
  c->write(text);
  run_until([&] { return closed; }, milliseconds(5000));
  return got == text;
}

// Runs the loop; returns the message of the exception that came out of run(),
// or "" when none did within `limit`.
std::string run_catching(milliseconds limit = milliseconds(5000)) {
  try {
    run_to_end(limit);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("abort mid-connect: 'error' AbortError, then 'close'(true), never 'connect', no descriptor left",
          "[reliability]") {
  auto server = echo_server();
  auto port = server->address()->port;
  const std::size_t fds_before = baseline_fds();
  const std::string when = GENERATE(as<std::string>{}, "after connect()", "in 'lookup'", "in 'connectionAttempt'",
                                    "pre-aborted", "after 'connect'");
  INFO("abort " << when);
  AbortController controller;
  if (when == "pre-aborted") controller.abort();
  net::ConnectOptions options;
  options.port = port;
  options.host = "localhost";
  options.signal = controller.signal();
  Watch watch;
  auto socket = net::connect(options);
  watch.attach(socket);
  socket->on(net::events::lookup, [&] {
    if (when == "in 'lookup'") controller.abort();
  });
  socket->on(net::events::connectionAttempt, [&] {
    if (when == "in 'connectionAttempt'") controller.abort();
  });
  socket->on(net::events::connect, [&] {
    if (when == "after 'connect'") controller.abort();
  });
  if (when == "after connect()") controller.abort();
  REQUIRE(run_until([&] { return watch.closed(); }));
  run_for(milliseconds(50));
  INFO("events: " << watch.joined());
  REQUIRE(watch.errors.size() == 1);
  CHECK(watch.errors[0].code == "ABORT_ERR");
  CHECK(watch.errors[0].kind == ErrorKind::AbortError);
  // A socket aborted before it had a handle closes with hadError false (Node: undefined).
  CHECK(watch.log.back() == (when == "pre-aborted" ? "close:false" : "close:true"));
  CHECK(watch.closes == 1);
  CHECK(watch.late.empty());
  if (when != "after 'connect'") CHECK_FALSE(watch.saw("connect"));
  CHECK(socket->destroyed());
  socket.reset();
  CHECK(echo_round_trip(port));
  run_for(milliseconds(50));
  CHECK(open_fds() == fds_before);
  server->close();
  CHECK(run_to_end(milliseconds(5000)));
}

TEST_CASE("abort mid-listen: 'close' without 'listening' or 'error', and abort while serving stops accepting",
          "[reliability]") {
  const std::string when = GENERATE(as<std::string>{}, "during the host lookup", "pre-aborted",
                                    "while a connection is open");
  INFO("abort " << when);
  AbortController controller;
  if (when == "pre-aborted") controller.abort();
  auto server = net::createServer([](const net::SocketPtr& s) { s->pipe(s); });
  std::vector<std::string> events;
  server->on(net::events::listening, [&] { events.push_back("listening"); });
  server->on(net::events::error, [&](const Error& e) { events.push_back("error:" + e.code); });
  server->on(net::events::close, [&] { events.push_back("close"); });
  net::ListenOptions options;
  options.port = 0;
  options.host = "localhost";
  options.signal = controller.signal();
  server->listen(options);
  if (when == "during the host lookup") {
    CHECK_FALSE(server->listening());
    controller.abort();
    CHECK(run_to_end(milliseconds(5000)));
    CHECK(events == std::vector<std::string>{"close"});
  } else if (when == "pre-aborted") {
    CHECK(run_to_end(milliseconds(5000)));
    CHECK(events == std::vector<std::string>{"close"});
  } else {
    REQUIRE(run_until([&] { return server->listening(); }));
    // localhost is 127.0.0.1 or ::1 (the first address the lookup gives): connect to
    // the address the server took.
    auto port = server->address()->port;
    const std::string host = server->address()->address;
    auto client = net::connect(port, host);
    bool client_closed = false;
    std::string echoed;
    client->on(net::events::data, [&](BufferView c) { echoed.append(reinterpret_cast<const char*>(c.data()), c.size()); });
    client->on(net::events::close, [&] { client_closed = true; });
    client->write("before");
    REQUIRE(run_until([&] { return echoed == "before"; }));
    controller.abort();
    CHECK_FALSE(server->listening());
    // Node: 'close' waits for the open connection, which still works meanwhile.
    client->write(" after");
    REQUIRE(run_until([&] { return echoed == "before after"; }));
    CHECK(events == std::vector<std::string>{"listening"});
    Watch refused;
    auto late = net::connect(port, host);
    refused.attach(late);
    REQUIRE(run_until([&] { return refused.closed(); }));
    CHECK(refused.log == std::vector<std::string>{"error:ECONNREFUSED", "close:true"});
    client->end();
    CHECK(run_to_end(milliseconds(5000)));
    CHECK(client_closed);
    CHECK(events == std::vector<std::string>{"listening", "close"});
  }
}

TEST_CASE("destroy() from inside every listener: one 'close', nothing after it, no use after free", "[reliability]") {
  const std::string event = GENERATE(as<std::string>{}, "lookup", "connectionAttempt", "connect", "ready", "data",
                                     "end", "finish", "drain", "timeout", "error", "close", "connection");
  const std::string how = GENERATE(as<std::string>{}, "destroy()", "destroy(err)", "resetAndDestroy()");
  INFO(how << " in '" << event << "'");

  Watch client_watch, server_watch;
  net::SocketPtr client, server_side;
  bool acted = false;
  std::weak_ptr<net::Socket> target;
  // Acts on the socket, then drops the test's own reference to it, so that only
  // berth keeps it alive from here on.
  auto act = [&] {
    auto s = target.lock();
    if (!s || acted) return;
    acted = true;
    if (how == "destroy()") s->destroy();
    else if (how == "destroy(err)") s->destroy(Error("EREL", "destroyed by the test"));
    else s->resetAndDestroy();
    client.reset();
    server_side.reset();
  };

  auto server = net::createServer([&](const net::SocketPtr& s) {
    server_side = s;
    server_watch.attach(s);
    if (event == "connection") {
      target = s;
      act();
      return;
    }
    s->on(net::events::data, [](BufferView) {});  // keeps reading, so 'drain' comes
    if (event == "data" || event == "end") s->write("hello");
    if (event == "end") s->end();
  });
  server->listen(0, "127.0.0.1");
  REQUIRE(run_until([&] { return server->listening(); }));
  std::uint16_t port = event == "error" ? refused_port() : server->address()->port;

  net::ConnectOptions options;
  options.port = port;
  options.host = event == "lookup" || event == "connectionAttempt" ? "localhost" : "127.0.0.1";
  client = net::connect(options);
  target = event == "connection" ? std::weak_ptr<net::Socket>() : std::weak_ptr<net::Socket>(client);
  std::weak_ptr<net::Socket> client_weak = client;
  client_watch.attach(client);
  namespace ev = net::events;
  if (event == "lookup") client->on(ev::lookup, [&] { act(); });
  if (event == "connectionAttempt") client->on(ev::connectionAttempt, [&] { act(); });
  if (event == "connect") client->on(ev::connect, [&] { act(); });
  if (event == "ready") client->on(ev::ready, [&] { act(); });
  if (event == "data") client->on(ev::data, [&](BufferView) { act(); });
  if (event == "end") {
    client->on(ev::data, [](BufferView) {});
    client->on(ev::end, [&] { act(); });
  }
  if (event == "finish") {
    client->on(ev::finish, [&] { act(); });
    client->end();
  }
  if (event == "drain") {
    client->on(ev::drain, [&] { act(); });
    std::vector<std::uint8_t> big(4u << 20, 1);
    client->write(BufferView(big.data(), big.size()));
  }
  if (event == "timeout") {
    client->on(ev::timeout, [&] { act(); });
    client->setTimeout(milliseconds(20));
  }
  if (event == "error") client->on(ev::error, [&](const Error&) { act(); });
  if (event == "close") {
    client->on(ev::close, [&] { act(); });
    client->end();
  }
  if (event == "connection")
    client->on(ev::end, [client_weak] {
      if (auto c = client_weak.lock()) c->end();
    });

  REQUIRE(run_until([&] { return client_watch.closed() && (server_side == nullptr || server_watch.closed()); }));
  run_for(milliseconds(50));
  INFO("client: " << client_watch.joined() << " / server side: " << server_watch.joined());
  CHECK(acted);
  CHECK(client_watch.closes == 1);
  CHECK(client_watch.late.empty());
  CHECK(server_watch.closes <= 1);
  CHECK(server_watch.late.empty());
  Watch& acted_on = event == "connection" ? server_watch : client_watch;
  if (how == "destroy(err)" && event != "error" && event != "close") {
    CHECK(acted_on.saw("error:EREL"));
    CHECK(acted_on.log.back() == "close:true");
  }
  client.reset();
  server_side.reset();
  server->close();
  CHECK(run_to_end(milliseconds(5000)));
  CHECK(client_weak.expired());  // nothing keeps a closed socket alive
}

// A listener that throws: the exception comes out of the loop's run(); the loop
// then runs again, other connections still work, and the socket whose listener
// threw ends up either destroyed or still working -- never stuck between the two.
TEST_CASE("a listener's exception reaches run()'s caller, then the loop runs on and nothing is left half-registered",
          "[reliability]") {
  const std::string event = GENERATE(as<std::string>{}, "connection", "listening", "connect", "data", "end",
                                     "timeout", "drain", "write callback", "error", "unheard error", "close");
  INFO("thrown from '" << event << "'");
  bool armed = event == "listening", thrown = false;
  auto boom = [&] {
    if (thrown || !armed) return;
    thrown = true;
    throw std::runtime_error("boom from " + event);
  };

  net::SocketPtr victim_side, healthy_side;
  bool server_closed = false;
  auto server = net::createServer();
  server->on(net::events::connection, [&](const net::SocketPtr& s) {
    s->on(net::events::error, [](const Error&) {});
    if (!healthy_side) {
      healthy_side = s;
    } else if (armed && !victim_side) {
      victim_side = s;
      if (event == "close") s->on(net::events::close, [&] { boom(); });
      if (event == "connection") boom();
    }
    s->pipe(s);
  });
  server->on(net::events::listening, [&] {
    if (event == "listening") boom();
  });
  server->on(net::events::close, [&] { server_closed = true; });
  server->listen(0, "127.0.0.1");
  std::string caught;
  if (event == "listening") caught = run_catching();
  REQUIRE(run_until([&] { return server->listening(); }));
  auto port = server->address()->port;

  // A healthy connection, made before the throw, must keep working after it.
  std::string healthy_echo;
  auto healthy = net::connect(port, "127.0.0.1");
  healthy->on(net::events::data, [&](BufferView c) { healthy_echo.append(reinterpret_cast<const char*>(c.data()), c.size()); });
  healthy->write("a");
  REQUIRE(run_until([&] { return healthy_echo == "a"; }));
  armed = true;

  net::ConnectOptions options;
  options.port = event == "error" || event == "unheard error" ? refused_port() : port;
  options.host = "127.0.0.1";
  auto socket = net::connect(options);
  std::string received;
  bool closed = false;
  namespace ev = net::events;
  if (event != "unheard error")
    socket->on(ev::error, [&](const Error&) {
      if (event == "error") boom();
    });
  socket->on(ev::close, [&] { closed = true; });
  socket->on(ev::connect, [&] {
    if (event == "connect") boom();
  });
  socket->on(ev::data, [&](BufferView c) {
    received.append(reinterpret_cast<const char*>(c.data()), c.size());
    if (event == "data") boom();
  });
  socket->on(ev::end, [&] {
    if (event == "end") boom();
  });
  socket->on(ev::timeout, [&] {
    if (event == "timeout") boom();
  });
  socket->on(ev::drain, [&] {
    if (event == "drain") boom();
  });
  bool big_write_called_back = false;
  std::vector<std::uint8_t> big(4u << 20, 'b');
  if (event == "drain")
    socket->write(BufferView(big.data(), big.size()), [&](const Error&) { big_write_called_back = true; });
  else if (event == "write callback")
    socket->write("w", [&](const Error&) { boom(); });
  else
    socket->write("one");
  if (event == "timeout") socket->setTimeout(milliseconds(20));
  if (event == "end" || event == "close") socket->end();

  if (event != "listening") caught = run_catching();
  if (event == "unheard error") CHECK(caught.find("ECONNREFUSED") != std::string::npos);
  else CHECK(caught == "boom from " + event);

  // The loop runs again: the healthy connection and new ones are served.
  healthy->write("b");
  CHECK(run_until([&] { return healthy_echo == "ab"; }));
  CHECK(echo_round_trip(port));

  // The socket whose listener threw (or, for 'connection' and 'close', the
  // server's side of its connection): destroyed, or intact, and in both cases
  // it reaches 'close' once the connection ends.
  const bool still_open_both_ways = event == "connect" || event == "data" || event == "timeout" ||
                                    event == "drain" || event == "write callback" || event == "listening";
  if (still_open_both_ways) {
    if (!socket->destroyed()) socket->write("two");
    run_until([&] { return socket->destroyed() || received.find("two") != std::string::npos; }, milliseconds(2000));
    const bool intact = received.find("two") != std::string::npos;
    const bool destroyed = socket->destroyed();
    WARN("after the throw from '" << event << "' the socket is "
                                  << (intact ? "intact" : destroyed ? "destroyed" : "STUCK (neither)"));
    CHECK((intact || destroyed));
  }
  if (event == "connection") {
    // The server's side never got its 'data' listener (the throw came first), so
    // it keeps what arrives unread and, as in Node, emits no 'end' until read:
    // the application has to deal with it, here by destroying it.
    if (victim_side) victim_side->destroy();
  } else {
    if (!socket->destroyed() && !socket->writableEnded()) socket->end();
    CHECK(run_until([&] { return closed; }, milliseconds(3000)));
  }
  if (event == "drain") CHECK(big_write_called_back);

  // The server still counts its connections right: 'close' comes once they end.
  healthy->end();
  server->close();
  CHECK(run_until([&] { return server_closed; }, milliseconds(3000)));

  // Whatever is left is destroyed, so the next generated case starts clean.
  for (auto* p : {&socket, &healthy, &victim_side, &healthy_side})
    if (*p) (*p)->destroy();
  socket.reset();
  healthy.reset();
  victim_side.reset();
  healthy_side.reset();
  try {
    run_to_end(milliseconds(3000));
  } catch (const std::exception& e) {
    FAIL_CHECK("a second exception: " << e.what());
  }
}
