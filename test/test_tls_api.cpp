#include <algorithm>
#include <asio/co_spawn.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/this_coro.hpp>
#include <catch2/catch.hpp>
#include <ctime>
#include <functional>
#include <iomanip>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "berth/net.hpp"
#include "berth/timer.hpp"
#include "berth/tls.hpp"
#include "berth/acceptor.hpp"
#include "net_support.hpp"
#include "support.hpp"
#include "tls_event_support.hpp"

// 'keylog' (tls::Server and the client TLSSocket), the server's SNICallback, tls::connect
// over an existing net::Socket (options.socket), and connect() on a destroyed TLSSocket,
// on 127.0.0.1, port 0. Expected orders, codes, messages and key log labels come from
// node v20 with test/tls_probes/probe8.js (scenarios named beside each test);
// write_certs.cpp there says how to run it.

using namespace berth;
using namespace std::chrono_literals;
using berth::test::certs;
using berth::test::flag;
using berth::test::lines_of;
using berth::test::run_loop;
using berth::test::tls_client_options;
using berth::test::tls_serve;
using berth::test::tls_server_options;
using berth::test::Trace;
using berth::test::trace_events;
using Lines = std::vector<std::string>;

namespace {

struct KeylogLine {
  std::string label, random, secret;
  bool newline = false;
};

KeylogLine parse_keylog(BufferView b) {
  std::string text(b);
  KeylogLine out;
  out.newline = !text.empty() && text.back() == '\n';
  if (out.newline) text.pop_back();
  auto first = text.find(' ');
  auto second = text.find(' ', first + 1);
  out.label = text.substr(0, first);
  if (first != std::string::npos && second != std::string::npos) {
    out.random = text.substr(first + 1, second - first - 1);
    out.secret = text.substr(second + 1);
  }
  return out;
}

// "LABEL 64,96 nl:true", probe8's shape of a line.
std::string shape(const KeylogLine& l) {
  return l.label + " " + std::to_string(l.random.size()) + "," + std::to_string(l.secret.size()) +
         " nl:" + flag(l.newline);
}

std::vector<std::string> shapes(const std::vector<KeylogLine>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) out.push_back(shape(l));
  return out;
}

struct KeylogRun {
  std::vector<KeylogLine> server, client;
  bool server_socket_given = true;
  bool client_lines_before_secure = true;
};

KeylogRun keylog_run(const std::string& maxVersion) {
  KeylogRun run;
  bool secure = false;
  tls::ServerPtr server;
  auto server_options = tls_server_options(certs().server);
  server_options.maxVersion = maxVersion;
  server = tls::createServer(server_options, [](const tls::TLSSocketPtr& s) { s->end("x"); });
  server->on(tls::events::serverKeylog, [&](BufferView line, const tls::TLSSocketPtr& s) {
    run.server.push_back(parse_keylog(line));
    if (!s) run.server_socket_given = false;
  });
  server->listen(0, "127.0.0.1", [&] {
    auto c = tls::connect(tls_client_options(server->address()->port));
    c->on(tls::events::keylog, [&](BufferView line) {
      run.client.push_back(parse_keylog(line));
      if (secure) run.client_lines_before_secure = false;
    });
    c->on(tls::events::secureConnect, [&] { secure = true; });
    c->resume();
    c->on(net::events::close, [&](bool) { server->close(); });
  });
  run_loop();
  return run;
}

}  // namespace

TEST_CASE("'keylog' for a TLS 1.3 handshake: Node's five NSS key log lines on each side, in OpenSSL's order",
          "[tls][tls_api][keylog]") {  // probe8 keylog13
  KeylogRun run = keylog_run("TLSv1.3");
  CHECK(shapes(run.server) == Lines{"SERVER_HANDSHAKE_TRAFFIC_SECRET 64,96 nl:true",
                                    "CLIENT_HANDSHAKE_TRAFFIC_SECRET 64,96 nl:true", "EXPORTER_SECRET 64,96 nl:true",
                                    "SERVER_TRAFFIC_SECRET_0 64,96 nl:true", "CLIENT_TRAFFIC_SECRET_0 64,96 nl:true"});
  CHECK(shapes(run.client) == Lines{"SERVER_HANDSHAKE_TRAFFIC_SECRET 64,96 nl:true", "EXPORTER_SECRET 64,96 nl:true",
                                    "SERVER_TRAFFIC_SECRET_0 64,96 nl:true",
                                    "CLIENT_HANDSHAKE_TRAFFIC_SECRET 64,96 nl:true",
                                    "CLIENT_TRAFFIC_SECRET_0 64,96 nl:true"});
  CHECK(run.server_socket_given);
  CHECK(run.client_lines_before_secure);
  // Both ends log the same connection: one client random, and the same secret per label.
  std::map<std::string, std::string> server_secrets;
  for (const auto& l : run.server) server_secrets[l.label] = l.random + " " + l.secret;
  for (const auto& l : run.client) CHECK(server_secrets[l.label] == l.random + " " + l.secret);
}

TEST_CASE("'keylog' for a TLS 1.2 handshake: one CLIENT_RANDOM line on each side", "[tls][tls_api][keylog]") {
  // probe8 keylog12
  KeylogRun run = keylog_run("TLSv1.2");
  CHECK(shapes(run.server) == Lines{"CLIENT_RANDOM 64,96 nl:true"});
  CHECK(shapes(run.client) == Lines{"CLIENT_RANDOM 64,96 nl:true"});
  REQUIRE(run.client.size() == 1);
  REQUIRE(run.server.size() == 1);
  CHECK(run.client[0].secret == run.server[0].secret);
}

TEST_CASE("a server's 'keylog' listeners are counted when a connection arrives, as Node's", "[tls][tls_api][keylog]") {
  // probe8 keylogLate: a listener added from 'connection' misses that connection; the next
  // connection is logged to both listeners then there (ten lines).
  std::vector<std::size_t> lines_per_connection;
  std::size_t lines = 0;
  tls::ServerPtr server;
  server = tls::createServer(tls_server_options(certs().server), [](const tls::TLSSocketPtr& s) { s->end(); });
  server->on(net::events::connection, [&](const net::SocketPtr&) {
    server->on(tls::events::serverKeylog, [&](BufferView, const tls::TLSSocketPtr&) { ++lines; });
  });
  server->listen(0, "127.0.0.1", [&] {
    std::uint16_t port = server->address()->port;
    auto c = tls::connect(tls_client_options(port));
    c->resume();
    c->on(net::events::close, [&, port](bool) {
      lines_per_connection.push_back(lines);
      lines = 0;
      auto c2 = tls::connect(tls_client_options(port));
      c2->resume();
      c2->on(net::events::close, [&](bool) {
        lines_per_connection.push_back(lines);
        server->close();
      });
    });
  });
  run_loop();
  CHECK(lines_per_connection == std::vector<std::size_t>{0, 10});
}

// ---- SNICallback -----------------------------------------------------------

namespace {

struct SniRun {
  Trace trace;
  std::string messages;
};

// probe8's sni(): a server with SNICallback, a client to 127.0.0.1 with `servername` (none
// when empty) that trusts the CA but does not reject.
void sni_run(SniRun& run, tls::SNICallbackFunction callback, std::optional<std::string> servername) {
  auto& trace = run.trace;
  tls::ServerPtr server;
  auto server_options = tls_server_options(certs().server);
  server_options.SNICallback = std::move(callback);
  server = tls_serve(server_options, [&](const tls::TLSSocketPtr& s) {
    trace("S.secureConnection servername " + s->servername());
    s->end("x");
  }, [&](std::uint16_t port) {
    auto options = tls_client_options(port, "127.0.0.1");
    options.servername = servername;
    options.rejectUnauthorized = false;
    tls::TLSSocketPtr c;
    c = tls::connect(options);
    std::weak_ptr<tls::TLSSocket> weak = c;
    c->on(tls::events::secureConnect, [&, weak] {
      auto s = weak.lock();
      trace("C.secure CN " + s->getPeerCertificate().subject["CN"] + " authorized " + flag(s->authorized()) + " " +
            s->authorizationError());
    });
    trace_events(trace, "C", c);
    c->on(berth::events::error, [&](const Error& e) { run.messages += e.message; });
    c->on(net::events::close, [&](bool) { server->close(); });
  });
  server->on(tls::events::tlsClientError, [&](const Error& e, const tls::TLSSocketPtr& s) {
    trace("S.tlsClientError " + e.code + " " + e.message + " socket:" + flag(s != nullptr));
  });
  run_loop();
}

tls::SecureContext wrong_host_context() {
  tls::SecureContextOptions options;
  options.key = certs().wrong_host.key;
  options.cert = certs().wrong_host.cert;
  return tls::SecureContext(options);
}

const Lines secure_client_tail{"C.secureConnect", "C.data x", "C.end", "C.finish", "C.close false"};

Lines concat(Lines a, const Lines& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("SNICallback answering at once: the context it gives serves that name", "[tls][tls_api][sni]") {
  // probe8 sniSync
  SniRun run;
  sni_run(run, [&](const std::string& name, tls::SNIDone done) {
    run.trace("X.SNICallback " + name);
    done(Error{}, name == "other.example" ? std::optional(wrong_host_context()) : std::nullopt);
  }, "other.example");
  CHECK(lines_of(run.trace, "X") == Lines{"X.SNICallback other.example"});
  CHECK(lines_of(run.trace, "C") ==
        concat({"C.connect", "C.ready", "C.secure CN wrong.example authorized false ERR_TLS_CERT_ALTNAME_INVALID"},
               secure_client_tail));
  CHECK(lines_of(run.trace, "S") == Lines{"S.secureConnection servername other.example"});
}

TEST_CASE("SNICallback answering with no context keeps the server's own", "[tls][tls_api][sni]") {
  // probe8 sniDefault
  SniRun run;
  sni_run(run, [&](const std::string& name, tls::SNIDone done) {
    run.trace("X.SNICallback " + name);
    done(Error{}, std::nullopt);
  }, "localhost");
  CHECK(lines_of(run.trace, "X") == Lines{"X.SNICallback localhost"});
  CHECK(lines_of(run.trace, "C") ==
        concat({"C.connect", "C.ready", "C.secure CN localhost authorized true "}, secure_client_tail));
  CHECK(lines_of(run.trace, "S") == Lines{"S.secureConnection servername localhost"});
}

TEST_CASE("SNICallback answering later, from a timer: the handshake waits for it", "[tls][tls_api][sni]") {
  // probe8 sniAsync
  SniRun run;
  sni_run(run, [&](const std::string& name, tls::SNIDone done) {
    run.trace("X.SNICallback " + name);
    setTimeout([&, done] {
      run.trace("X.SNICallback later");
      done(Error{}, wrong_host_context());
    }, 50ms);
  }, "wrong.example");
  CHECK(run.trace.lines == Lines{"C.connect", "C.ready", "X.SNICallback wrong.example", "X.SNICallback later",
                                 "C.secure CN wrong.example authorized true ", "C.secureConnect",
                                 "S.secureConnection servername wrong.example", "C.data x", "C.end", "C.finish",
                                 "C.close false"});
}

TEST_CASE("SNICallback is not called when the client sends no SNI", "[tls][tls_api][sni]") {
  // probe8 sniNone (Node's servername: false, berth's: empty)
  SniRun run;
  sni_run(run, [&](const std::string& name, tls::SNIDone done) {
    run.trace("X.SNICallback " + name);
    done(Error{}, std::nullopt);
  }, std::nullopt);
  CHECK(lines_of(run.trace, "X") == Lines{});
  CHECK(lines_of(run.trace, "C") ==
        concat({"C.connect", "C.ready", "C.secure CN localhost authorized true "}, secure_client_tail));
  CHECK(lines_of(run.trace, "S") == Lines{"S.secureConnection servername "});
}

TEST_CASE("an SNICallback error, given at once, later, or thrown, or a second answer: 'tlsClientError' on the "
          "server, 'end' then ECONNRESET on the client",
          "[tls][tls_api][sni]") {
  // probe8 sniError, sniErrorAsync, sniThrows, sniTwice
  struct Case {
    std::string name;
    std::function<void(tls::SNIDone)> answer;
    std::string server_line;
  };
  std::vector<Case> cases = {
      {"at once", [](tls::SNIDone done) { done(Error("ENONAME", "no such name"), std::nullopt); },
       "S.tlsClientError ENONAME no such name socket:true"},
      {"later",
       [&](tls::SNIDone done) {
         setTimeout([done] { done(Error("ENONAME", "no such name"), std::nullopt); }, 20ms);
       },
       "S.tlsClientError ENONAME no such name socket:true"},
      {"thrown", [](tls::SNIDone) { throw Error("ETHROWN", "thrown in SNICallback"); },
       "S.tlsClientError ETHROWN thrown in SNICallback socket:true"},
      {"twice",
       [](tls::SNIDone done) {
         done(Error{}, std::nullopt);
         done(Error{}, std::nullopt);
       },
       "S.tlsClientError ERR_MULTIPLE_CALLBACK Callback called multiple times socket:true"},
  };
  for (const auto& k : cases) {
    INFO(k.name);
    SniRun run;
    sni_run(run, [&](const std::string&, tls::SNIDone done) { k.answer(std::move(done)); }, "nobody.example");
    CHECK(run.trace.lines ==
          Lines{"C.connect", "C.ready", k.server_line, "C.end", "C.error ECONNRESET", "C.close true"});
    CHECK(run.messages == "Client network socket disconnected before secure TLS connection was established");
  }
}

TEST_CASE("the handshake timeout strikes while SNICallback has not answered, its late answer does nothing",
          "[tls][tls_api][sni]") {
  // probe8 sniTimeout
  Trace trace;
  tls::ServerPtr server;
  auto server_options = tls_server_options(certs().server);
  server_options.handshakeTimeout = 100ms;
  server_options.SNICallback = [&](const std::string& name, tls::SNIDone done) {
    trace("SNICallback " + name);
    setTimeout([&, done] {
      trace("SNICallback answers late");
      done(Error{}, std::nullopt);
    }, 300ms);
  };
  server = tls_serve(server_options, [&](const tls::TLSSocketPtr&) { trace("S.secureConnection"); },
                     [&](std::uint16_t port) {
                       auto options = tls_client_options(port, "127.0.0.1");
                       options.servername = "localhost";
                       auto c = tls::connect(options);
                       trace_events(trace, "C", c);
                       c->on(net::events::close, [&](bool) { server->close(); });
                     });
  server->on(tls::events::tlsClientError, [&](const Error& e, const tls::TLSSocketPtr& s) {
    trace("S.tlsClientError " + e.code + " " + e.message);
    s->destroy();
  });
  run_loop();
  CHECK(trace.lines == Lines{"C.connect", "C.ready", "SNICallback localhost",
                             "S.tlsClientError ERR_TLS_HANDSHAKE_TIMEOUT TLS handshake timeout", "C.end",
                             "C.error ECONNRESET", "C.close true", "SNICallback answers late"});
}

// ---- tls.connect({socket}) ---------------------------------------------------

namespace {

// probe8 wrap(): a server that answers "ping" with "pong" and ends; the client wraps
// `raw` (connected or connecting) and writes "ping" once secure.
void wrap_run(Trace& trace, bool connected) {
  tls::ServerPtr server;
  net::SocketPtr raw;
  tls::TLSSocketPtr c;
  server = tls_serve(tls_server_options(certs().server), [&](const tls::TLSSocketPtr& s) {
    s->on(net::events::data, [&, s](BufferView b) {
      trace("S.data " + std::string(b));
      s->end("pong");
    });
  }, [&](std::uint16_t port) {
    auto start = [&] {
      trace("raw connecting " + flag(raw->connecting()));
      tls::ConnectionOptions options;
      options.socket = raw;
      options.host = "localhost";
      options.ca = {certs().ca.cert};
      c = tls::connect(options, [&] {
        trace("C.callback authorized " + flag(c->authorized()) + " raw.destroyed " + flag(raw->destroyed()));
        c->write("ping");
      });
      trace("after wrap: connecting " + flag(c->connecting()) + " pending " + flag(c->pending()) + " readyState " +
            c->readyState());
      trace_events(trace, "C", c);
      trace_events(trace, "raw", raw);
      c->on(net::events::close, [&](bool) {
        trace("after close: raw.destroyed " + flag(raw->destroyed()));
        server->close();
      });
    };
    if (connected) {
      raw = net::connect(port, "127.0.0.1", start);
    } else {
      raw = net::connect(port, "127.0.0.1");
      start();
    }
  });
  run_loop();
}

}  // namespace

TEST_CASE("tls::connect({socket}) over a connected net::Socket: the handshake starts at once, no 'connect', the "
          "wrapped socket emits nothing but 'close'",
          "[tls][tls_api][wrap]") {
  // probe8 socketConnected. Node's raw 'close' comes just before the TLSSocket's; berth's
  // just after (documented on tls::connect), so each side's lines are compared alone.
  Trace trace;
  wrap_run(trace, true);
  CHECK(lines_of(trace, "C") == Lines{"C.callback authorized true raw.destroyed false", "C.secureConnect",
                                      "C.data pong", "C.end", "C.finish", "C.close false"});
  CHECK(lines_of(trace, "raw") == Lines{"raw.ready", "raw.close false"});
  CHECK(lines_of(trace, "S") == Lines{"S.data ping"});
  CHECK(trace.lines[0] == "raw connecting false");
  CHECK(trace.lines[1] == "after wrap: connecting false pending false readyState open");
  CHECK(std::count(trace.lines.begin(), trace.lines.end(), "after close: raw.destroyed true") == 1);
}

TEST_CASE("tls::connect({socket}) over a connecting net::Socket: 'connect' (without 'ready') when it connects, then "
          "the handshake",
          "[tls][tls_api][wrap]") {
  // probe8 socketConnecting
  Trace trace;
  wrap_run(trace, false);
  CHECK(lines_of(trace, "C") == Lines{"C.connect", "C.callback authorized true raw.destroyed false", "C.secureConnect",
                                      "C.data pong", "C.end", "C.finish", "C.close false"});
  CHECK(lines_of(trace, "raw") == Lines{"raw.connect", "raw.ready", "raw.close false"});
  CHECK(lines_of(trace, "S") == Lines{"S.data ping"});
  CHECK(trace.lines[0] == "raw connecting true");
  CHECK(trace.lines[1] == "after wrap: connecting true pending true readyState opening");
  CHECK(std::count(trace.lines.begin(), trace.lines.end(), "after close: raw.destroyed true") == 1);
}

TEST_CASE("tls::connect({socket}): bytes the wrapped socket had read and not given out are the start of the TLS "
          "stream",
          "[tls][tls_api][wrap]") {
  // probe10: a plain server says "OK\n" before the client wraps its socket, then answers
  // the ClientHello with a plain-text line and ends. Node feeds the buffered "OK\n" to the
  // TLS session, which finds no TLS record in it.
  Trace trace;
  std::string message;
  net::ServerPtr server;
  net::SocketPtr raw;
  server = net::createServer([](const net::SocketPtr& s) {
    s->write("OK\n");
    s->on(berth::events::error, [](const Error&) {});
    s->once(net::events::data, [s](BufferView) { s->end("HTTP/1.0 400 Bad Request\r\n\r\n"); });
  });
  server->listen(0, "127.0.0.1", [&] {
    raw = net::connect(server->address()->port, "127.0.0.1");
    raw->on(net::events::connect, [&] {
      berth::setTimeout([&] {
        trace("raw readableLength " + std::to_string(raw->readableLength()));
        tls::ConnectionOptions options;
        options.socket = raw;
        options.rejectUnauthorized = false;
        auto c = tls::connect(options, [&] { trace("secureConnect"); });
        c->on(berth::events::error, [&](const Error& e) {
          trace("error " + e.code);
          message = e.message;
        });
        c->on(net::events::close, [&](bool) {
          trace("close raw readableLength " + std::to_string(raw->readableLength()));
          server->close();
        });
      }, 100ms);
    });
  });
  run_loop();
  CHECK(trace.lines == Lines{"raw readableLength 3", "error ERR_SSL_WRONG_VERSION_NUMBER", "close raw readableLength 0"});
  CHECK(berth::test::openssl_line_shape(message) ==
        "<thread>:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:<file>:<line>:\n");
}

TEST_CASE("destroy() on the wrapped net::Socket closes the TLSSocket without error", "[tls][tls_api][wrap]") {
  // probe8 socketRawDestroyed (Node: C close, then raw close; berth: raw first, as the
  // TLSSocket hears the wrapped socket's 'close')
  Trace trace;
  tls::ServerPtr server;
  net::SocketPtr raw;
  server = tls_serve(tls_server_options(certs().server), [](const tls::TLSSocketPtr& s) { s->resume(); },
                     [&](std::uint16_t port) {
                       raw = net::connect(port, "127.0.0.1", [&] {
                         tls::ConnectionOptions options;
                         options.socket = raw;
                         options.servername = "localhost";
                         options.ca = {certs().ca.cert};
                         auto c = tls::connect(options, [&] {
                           trace("C.callback");
                           raw->destroy();
                         });
                         trace_events(trace, "C", c);
                         trace_events(trace, "raw", raw);
                         c->on(net::events::close, [&](bool) { server->close(); });
                       });
                     });
  run_loop();
  CHECK(lines_of(trace, "C") == Lines{"C.callback", "C.secureConnect", "C.close false"});
  CHECK(lines_of(trace, "raw") == Lines{"raw.ready", "raw.close false"});
}

TEST_CASE("tls::connect({socket}) refuses a TLSSocket", "[tls][tls_api][wrap]") {
  tls::ServerPtr server;
  std::string code;
  server = tls_serve(tls_server_options(certs().server), [](const tls::TLSSocketPtr& s) { s->end(); },
                     [&](std::uint16_t port) {
                       auto inner = tls::connect(tls_client_options(port));
                       tls::ConnectionOptions options;
                       options.socket = inner;
                       try {
                         tls::connect(options);
                       } catch (const Error& e) {
                         code = e.code;
                       }
                       inner->destroy();
                       inner->on(net::events::close, [&](bool) { server->close(); });
                     });
  run_loop();
  CHECK(code == "ERR_INVALID_ARG_VALUE");
}

// ---- connect() again on a destroyed TLSSocket ---------------------------------------

TEST_CASE("connect() on a destroyed TLSSocket: 'connect' and 'ready' as in Node, then ERR_INVALID_STATE instead of "
          "Node's silent plain connection",
          "[tls][tls_api]") {
  // probe8 reconnectDestroyed: Node reconnects the TCP handle ('connect', the callback,
  // 'ready') and never starts a handshake; berth's TLS session cannot move to a second
  // connection, so it fails there, clearly.
  Trace trace;
  std::string message;
  tls::ServerPtr server;
  tls::TLSSocketPtr c;
  server = tls_serve(tls_server_options(certs().server), [&](const tls::TLSSocketPtr& s) { s->end("x"); },
                     [&](std::uint16_t port) {
                       c = tls::connect(tls_client_options(port));
                       trace_events(trace, "C", c);
                       c->on(net::events::close, [&, port](bool) {
                         trace("destroyed " + flag(c->destroyed()));
                         // A socket's listeners go once 'close' has been emitted: connect
                         // again on the next tick, with the listeners again.
                         Loop::current().nextTick([&, port] {
                           trace_events(trace, "C", c);
                           c->on(berth::events::error, [&](const Error& e) { message = e.message; });
                           c->on(net::events::close, [&](bool) { server->close(); });
                           c->connect(port, "127.0.0.1", [&] {
                             trace("C.connect-callback");
                             c->write("after");
                           });
                         });
                       });
                     });
  run_loop();
  CHECK(trace.lines == Lines{"C.connect", "C.ready", "C.secureConnect", "C.data x", "C.end", "C.finish",
                             "C.close false", "destroyed true", "C.connect", "C.connect-callback", "C.ready",
                             "C.error ERR_INVALID_STATE", "C.close true"});
  CHECK(message == "Invalid state: a TLSSocket cannot connect again once destroyed");
}

// ---- the coroutine core: tls::Stream ---------------------------------------------

TEST_CASE("tls::Stream: set_keylog on both ends, and a server SNICallback answered later from a timer",
          "[tls][tls_api][sni][keylog]") {
  // The event tests' expectations (probe8 keylog13, sniAsync) on the coroutine layer.
  using namespace asio::experimental::awaitable_operators;
  std::vector<std::string> server_labels, client_labels, seen;
  berth::test::run_coro([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    Acceptor acceptor(ex);
    berth::ListenOptions listen;
    listen.host = "127.0.0.1";
    acceptor.listen(listen);
    berth::ConnectOptions connect;
    connect.host = "127.0.0.1";
    connect.port = acceptor.address()->port;
    tls::SecureContextOptions server_options;
    server_options.key = certs().server.key;
    server_options.cert = certs().server.cert;
    tls::SecureContext server_ctx(server_options);
    tls::SecureContextOptions client_options;
    client_options.ca = {certs().ca.cert};
    tls::SecureContext client_ctx(client_options);
    asio::steady_timer timer(ex);
    std::optional<tls::Stream> server, client;
    Error server_error, client_error;
    auto server_side = [&]() -> asio::awaitable<void> {
      berth::Stream raw = co_await acceptor.accept();
      server.emplace(std::move(raw), server_ctx);
      server->set_keylog([&](BufferView line) { server_labels.push_back(parse_keylog(line).label); });
      tls::HandshakeOptions handshake;
      handshake.SNICallback = [&](const std::string& name, tls::SNIDone done) {
        seen.push_back("SNICallback " + name);
        timer.expires_after(50ms);
        timer.async_wait([&, done](const std::error_code&) {
          seen.push_back("answer");
          done(Error{}, wrong_host_context());
        });
      };
      co_await server->handshake(tls::server, handshake, server_error);
    };
    auto client_side = [&]() -> asio::awaitable<void> {
      berth::Stream raw = co_await berth::connect(connect);
      client.emplace(std::move(raw), client_ctx);
      client->set_keylog([&](BufferView line) { client_labels.push_back(parse_keylog(line).label); });
      tls::HandshakeOptions handshake;
      handshake.servername = "wrong.example";
      co_await client->handshake(tls::client, handshake, client_error);
    };
    co_await (server_side() && client_side());
    CHECK_FALSE(server_error);
    CHECK_FALSE(client_error);
    if (client) seen.push_back("client CN " + client->getPeerCertificate().subject["CN"]);
    if (server) seen.push_back("server servername " + server->servername());
  });
  CHECK(seen == Lines{"SNICallback wrong.example", "answer", "client CN wrong.example",
                      "server servername wrong.example"});
  CHECK(server_labels == Lines{"SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "EXPORTER_SECRET",
                               "SERVER_TRAFFIC_SECRET_0", "CLIENT_TRAFFIC_SECRET_0"});
  CHECK(client_labels == Lines{"SERVER_HANDSHAKE_TRAFFIC_SECRET", "EXPORTER_SECRET", "SERVER_TRAFFIC_SECRET_0",
                               "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0"});
}

// ---- Server::addContext and setSecureContext ------------------------------
// probe9.js: the certificate a client gets for each servername.

namespace {

// "CN <subject CN> by <issuer CN> expired <bool>", probe9's line.
std::string certificate_label(const tls::PeerCertificate& cert) {
  std::tm when{};
  std::istringstream in(cert.valid_to);
  in >> std::get_time(&when, "%b %d %H:%M:%S %Y");
  const bool expired = !in.fail() && timegm(&when) < std::time(nullptr);
  auto subject = cert.subject.find("CN");
  auto issuer = cert.issuer.find("CN");
  return "CN " + (subject != cert.subject.end() ? subject->second : std::string()) + " by " +
         (issuer != cert.issuer.end() ? issuer->second : std::string()) + " expired " + flag(expired);
}

// Connects once per name (none: no SNI), one after another, recording
// "<servername> <certificate_label>" lines; then `done`.
void fetch_certificates(std::uint16_t port, std::vector<std::optional<std::string>> names, Lines& out,
                        std::function<void()> done) {
  if (names.empty()) {
    done();
    return;
  }
  tls::ConnectionOptions options = tls_client_options(port, "127.0.0.1");
  options.servername = names.front();
  options.rejectUnauthorized = false;
  auto name = names.front().value_or("undefined");
  auto c = tls::connect(options);
  std::weak_ptr<tls::TLSSocket> weak = c;
  c->on(tls::events::secureConnect, [&out, weak, name] {
    auto s = weak.lock();
    out.push_back(name + " " + certificate_label(s->getPeerCertificate()));
    s->end();
  });
  c->on(berth::events::error, [&out, name](const Error& e) { out.push_back(name + " error " + e.code); });
  names.erase(names.begin());
  c->on(net::events::close, [port, names = std::move(names), &out, done = std::move(done)](bool) mutable {
    fetch_certificates(port, std::move(names), out, std::move(done));
  });
}

tls::SecureContextOptions pair_options(const berth::test::TlsPair& pair) {
  tls::SecureContextOptions options;
  options.key = pair.key;
  options.cert = pair.cert;
  return options;
}

}  // namespace

TEST_CASE("Server::addContext: a name matching a pattern gets its context, the latest match first",
          "[tls][tls_api][addContext]") {
  Lines got;
  std::string empty_name_error;
  tls::ServerPtr server;
  server = tls_serve(tls_server_options(certs().server), [](const tls::TLSSocketPtr& s) { s->end(); },
                     [&](std::uint16_t port) {
    try {
      server->addContext("", pair_options(certs().wrong_host));
    } catch (const Error& e) {
      empty_name_error = e.code + " " + e.message;
    }
    server->addContext("*.example", pair_options(certs().wrong_host));
    fetch_certificates(port, {"wrong.example", "a.b.example", "example", "WRONG.EXAMPLE", "localhost", std::nullopt},
                       got, [&, port] {
      got.push_back("-- then wrong.example");
      server->addContext("wrong.example", tls::SecureContext(pair_options(certs().self_signed)));
      fetch_certificates(port, {"wrong.example", "other.example"}, got, [&, port] {
        got.push_back("-- setSecureContext(expired)");
        server->setSecureContext(pair_options(certs().expired));
        fetch_certificates(port, {"localhost", "wrong.example"}, got, [&] { server->close(); });
      });
    });
  });
  run_loop();
  CHECK(empty_name_error == "ERR_TLS_REQUIRED_SERVER_NAME \"servername\" is required parameter for Server.addContext");
  CHECK(got == Lines{"wrong.example CN wrong.example by berth test CA expired false",
                     "a.b.example CN localhost by berth test CA expired false",
                     "example CN localhost by berth test CA expired false",
                     "WRONG.EXAMPLE CN localhost by berth test CA expired false",
                     "localhost CN localhost by berth test CA expired false",
                     "undefined CN localhost by berth test CA expired false",
                     "-- then wrong.example",
                     "wrong.example CN localhost by localhost expired false",
                     "other.example CN wrong.example by berth test CA expired false",
                     "-- setSecureContext(expired)",
                     "localhost CN localhost by berth test CA expired true",
                     "wrong.example CN localhost by localhost expired false"});
}

TEST_CASE("Server::addContext: an SNICallback option decides instead", "[tls][tls_api][addContext]") {
  Lines got;
  Lines asked;
  auto options = tls_server_options(certs().server);
  options.SNICallback = [&](const std::string& name, tls::SNIDone done) {
    asked.push_back(name);
    done(Error{}, std::nullopt);
  };
  tls::ServerPtr server;
  server = tls_serve(options, [](const tls::TLSSocketPtr& s) { s->end(); }, [&](std::uint16_t port) {
    server->addContext("wrong.example", pair_options(certs().wrong_host));
    fetch_certificates(port, {"wrong.example"}, got, [&] { server->close(); });
  });
  run_loop();
  CHECK(asked == Lines{"wrong.example"});
  CHECK(got == Lines{"wrong.example CN localhost by berth test CA expired false"});
}
