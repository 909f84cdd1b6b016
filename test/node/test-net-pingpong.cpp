// Node's test/parallel/test-net-pingpong.js: a client and an allowHalfOpen server
// exchange 1000 PING/PONG rounds plus a final PING sent with end(), over a Unix socket,
// TCP on the default host and TCP on ::1 (or 127.0.0.1). Checks socket.server, the
// connection count, bufferSize staying under one message, readable/writable along the
// way (the server stays writable after 'end' because of allowHalfOpen), every write
// callback, and that both sides close without error.
#include "common.hpp"

namespace test_net_pingpong {
using namespace berth;
using namespace berth::node_test;

// socket.allowHalfOpen, checked where berth has it (it is a gap otherwise).
template <class S>
void check_allow_half_open(S& socket, bool expected) {
  if constexpr (requires { socket.allowHalfOpen(); }) CHECK(socket.allowHalfOpen() == expected);
  else FAIL_CHECK("berth lacks the socket.allowHalfOpen property");
}

struct PingPong {
  static constexpr int N = 1000;
  int count = 0;
  int sentPongs = 0;
  bool sent_final_ping = false;
  net::ServerPtr server;
  net::SocketPtr client;
};

void pingPongTest(Common& common, PingPong& t, std::optional<std::string> path, std::optional<std::string> host) {
  auto onSocket = [&common, &t](const net::SocketPtr& socket) {
    CHECK(socket->server() == t.server.get());
    net::Server& same = t.server->getConnections(common.mustSucceed([](std::size_t connections) {
      CHECK(connections == 1);
    }));
    CHECK(&same == t.server.get());

    socket->setNoDelay();
    socket->setTimeout(0ms);  // socket.timeout = 0
    socket->setEncoding(Encoding::utf8);
    socket->on(net::events::data, common.mustCall([&common, &t, s = socket.get()](BufferView data) {
      // We never queue data (each PONG waits for a PING), so bufferSize stays under one message.
      CHECK(s->bufferSize().has_value());
      CHECK(s->bufferSize().value_or(99) <= 4);
      CHECK(s->writable());
      CHECK(s->readable());
      CHECK(t.count <= PingPong::N);
      CHECK(std::string(data) == "PING");
      s->write("PONG", common.mustCall([&t](const Error&) { t.sentPongs++; }));
    }, PingPong::N + 1));
    socket->on(net::events::end, common.mustCall([s = socket.get()] {
      check_allow_half_open(*s, true);
      CHECK(s->writable());  // because allowHalfOpen
      CHECK_FALSE(s->readable());
      s->end();
    }));
    socket->on(net::events::error, common.mustNotCall());
    socket->on(net::events::close, common.mustCall([s = socket.get()] {
      CHECK_FALSE(s->writable());
      CHECK_FALSE(s->readable());
      s->server()->close();
    }));
  };
  t.server = net::createServer({.allowHalfOpen = true}, common.mustCall(onSocket));

  auto listening = [&common, &t, path, host] {
    if (path) t.client = net::createConnection(*path);
    else if (host) t.client = net::createConnection(t.server->address()->port, *host);
    else t.client = net::createConnection(t.server->address()->port);
    auto* client = t.client.get();
    client->setEncoding(Encoding::ascii);
    client->on(net::events::connect, common.mustCall([client] {
      CHECK(client->readable());
      CHECK(client->writable());
      client->write("PING");
    }));
    client->on(net::events::data, common.mustCall([&t, client](BufferView data) {
      CHECK(std::string(data) == "PONG");
      t.count += 1;
      if (t.sent_final_ping) {
        CHECK_FALSE(client->writable());
        CHECK(client->readable());
        return;
      }
      CHECK(client->writable());
      CHECK(client->readable());
      if (t.count < PingPong::N) {
        client->write("PING");
      } else {
        t.sent_final_ping = true;
        client->write("PING");
        client->end();
      }
    }, PingPong::N + 1));
    client->on(net::events::close, common.mustCall([&t] {
      CHECK(t.count == PingPong::N + 1);
      CHECK(t.sentPongs == PingPong::N + 1);
      CHECK(t.sent_final_ping);
    }));
    client->on(net::events::error, common.mustNotCall());
  };
  if (path) t.server->listen(*path, common.mustCall(listening));
  else if (host) t.server->listen(0, *host, common.mustCall(listening));
  else t.server->listen(0, common.mustCall(listening));
}

TEST_CASE("test-net-pingpong", "[node]") {
  Common common;
  PingPong pipe, any, loopback;
  pingPongTest(common, pipe, common.PIPE(), std::nullopt);
  pingPongTest(common, any, std::nullopt, std::nullopt);
  pingPongTest(common, loopback, std::nullopt, Common::hasIPv6() ? "::1" : "127.0.0.1");
  common.run();
}

}  // namespace test_net_pingpong
