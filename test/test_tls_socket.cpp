#include "berth/tls/socket.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "berth/net.hpp"
#include "berth/tls/server.hpp"
#include "net_support.hpp"
#include "tls_event_support.hpp"

// The event layer's TLSSocket and tls::connect, on 127.0.0.1, port 0. Every expected
// order, code and message comes from node v20 with the same kind of certificates, with
// test/tls_probes/probe6.js (scenarios basic, clientEnds, reject, timeout, serverGone);
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

TEST_CASE("tls::connect emits 'connect', 'ready', the callback, 'secureConnect', then data, 'end', 'finish', 'close'",
          "[tls][tls_socket]") {
  Trace trace;
  bool session = false;
  tls::ServerPtr server;
  tls::TLSSocketPtr c;
  server = tls_serve(tls_server_options(certs().server), [&](const tls::TLSSocketPtr& s) {
    trace("S.secureConnection encrypted:" + flag(s->encrypted()) + " authorized:" + flag(s->authorized()) +
          " error:" + s->authorizationError());
    trace_events(trace, "S", s);
    s->write("hello");
    s->end(" bye");
  }, [&](std::uint16_t port) {
    auto options = tls_client_options(port, "127.0.0.1");
    options.servername = "localhost";
    c = tls::connect(options, [&] { trace("C.callback authorized:" + flag(c->authorized())); });
    trace_events(trace, "C", c);
    c->on(tls::events::session, [&](BufferView b) { session = b.size() > 0; });
    c->on(net::events::close, [&](bool) { server->close(); });
  });
  run_loop();
  CHECK(lines_of(trace, "C") == Lines{"C.connect", "C.ready", "C.callback authorized:true", "C.secureConnect",
                                      "C.data hello bye", "C.end", "C.finish", "C.close false"});
  CHECK(lines_of(trace, "S") ==
        Lines{"S.secureConnection encrypted:true authorized:false error:", "S.finish", "S.end", "S.close false"});
  CHECK(session);
}

TEST_CASE("a TLSSocket reports Node's properties once secure, and nothing before", "[tls][tls_socket]") {
  tls::ServerPtr server;
  std::vector<std::string> seen;
  auto server_options = tls_server_options(certs().server);
  server_options.ALPNProtocols = {"h2", "http/1.1"};
  server = tls_serve(server_options, [&](const tls::TLSSocketPtr& s) {
    seen.push_back("server servername:" + s->servername() + " alpn:" + s->alpnProtocol());
    s->end();
  }, [&](std::uint16_t port) {
    auto options = tls_client_options(port, "127.0.0.1");
    options.servername = "localhost";
    options.ALPNProtocols = {"x", "http/1.1"};
    auto c = tls::connect(options);
    seen.push_back("before protocol:" + c->getProtocol() + " authorized:" + flag(c->authorized()) +
                   " peer:" + flag(!c->getPeerCertificate().empty()));
    c->on(tls::events::secureConnect, [&, c] {
      seen.push_back("protocol:" + c->getProtocol() + " alpn:" + c->alpnProtocol() + " servername:" + c->servername() +
                     " cipher:" + c->getCipher().version + " CN:" + c->getPeerCertificate().subject.at("CN") +
                     " reused:" + flag(c->isSessionReused()) + " encrypted:" + flag(c->encrypted()));
    });
    c->resume();
    c->on(net::events::close, [&](bool) { server->close(); });
  });
  run_loop();
  CHECK(seen == Lines{"before protocol:TLSv1.3 authorized:false peer:false",
                      "protocol:TLSv1.3 alpn:http/1.1 servername:localhost cipher:TLSv1.3 CN:localhost reused:false "
                      "encrypted:true",
                      "server servername:localhost alpn:http/1.1"});
}

TEST_CASE("a certificate that does not verify is 'error' with Node's code, or passes unauthorized without "
          "rejectUnauthorized",
          "[tls][tls_socket]") {
  struct Case {
    const berth::test::TlsPair* server;
    std::string ca;
    std::string code;
    std::string message;
  };
  std::vector<Case> cases = {
      {&certs().self_signed, certs().ca.cert, "DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"},
      {&certs().expired, certs().ca.cert, "CERT_HAS_EXPIRED", "certificate has expired"},
      {&certs().wrong_host, certs().ca.cert, "ERR_TLS_CERT_ALTNAME_INVALID",
       "Hostname/IP does not match certificate's altnames: Host: localhost. is not in the cert's altnames: "
       "DNS:wrong.example"},
      {&certs().server, certs().other_ca.cert, "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "unable to verify the first certificate"},
  };
  for (const auto& k : cases) {
    for (bool reject : {true, false}) {
      INFO(k.code << " rejectUnauthorized " << reject);
      Trace trace;
      std::string message;
      tls::ServerPtr server;
      tls::TLSSocketPtr c;
      // The server's side as node's (conformance tls-reject-unauthorized): a rejecting
      // client drops the connection before its Finished goes out, so the server never
      // finishes its handshake and hears ECONNRESET "socket hang up".
      server = tls_serve(tls_server_options(*k.server),
                         [&](const tls::TLSSocketPtr& s) {
                           trace("S.secureConnection");
                           s->end("x");
                         },
                         [&](std::uint16_t port) {
                           auto options = tls_client_options(port);
                           options.ca = {k.ca};
                           options.rejectUnauthorized = reject;
                           c = tls::connect(options, [&] {
                             trace("C.callback authorized:" + flag(c->authorized()) + " " + c->authorizationError());
                           });
                           trace_events(trace, "C", c);
                           c->on(berth::events::error, [&](const Error& e) { message = e.message; });
                           c->on(net::events::close, [&](bool) { server->close(); });
                         });
      server->on(tls::events::tlsClientError, [&](const Error& e, const tls::TLSSocketPtr& s) {
        trace("S.tlsClientError " + e.code + " " + e.message + " destroyed:" + flag(s->destroyed()));
      });
      run_loop();
      if (reject) {
        CHECK(lines_of(trace, "C") == Lines{"C.connect", "C.ready", "C.error " + k.code, "C.close true"});
        CHECK(message == k.message);
        CHECK(lines_of(trace, "S") == Lines{"S.tlsClientError ECONNRESET socket hang up destroyed:true"});
      } else {
        CHECK(lines_of(trace, "C") == Lines{"C.connect", "C.ready", "C.callback authorized:false " + k.code,
                                            "C.secureConnect", "C.data x", "C.end", "C.finish", "C.close false"});
        CHECK(lines_of(trace, "S") == Lines{"S.secureConnection"});
      }
    }
  }
}

TEST_CASE("a server that closes before the handshake: 'end', then ECONNRESET with Node's message, then 'close'",
          "[tls][tls_socket]") {
  Trace trace;
  std::string message;
  net::ServerPtr server;
  server = net::createServer([](const net::SocketPtr& s) { s->destroy(); });
  server->listen(0, "127.0.0.1", [&] {
    auto c = tls::connect(tls_client_options(server->address()->port));
    trace_events(trace, "C", c);
    c->on(berth::events::error, [&](const Error& e) { message = e.message; });
    c->on(net::events::close, [&](bool) { server->close(); });
  });
  run_loop();
  CHECK(trace.lines == Lines{"C.connect", "C.ready", "C.end", "C.error ECONNRESET", "C.close true"});
  CHECK(message == "Client network socket disconnected before secure TLS connection was established");
}

TEST_CASE("end() on a TLS socket: close_notify then FIN, half-open peers answer after 'end'", "[tls][tls_socket]") {
  Trace trace;
  tls::ServerPtr server;
  auto server_options = tls_server_options(certs().server);
  server_options.allowHalfOpen = true;
  tls::TLSSocketPtr c;
  server = tls_serve(server_options, [&](const tls::TLSSocketPtr& s) {
    trace_events(trace, "S", s);
    s->on(net::events::end, [s] {
      s->write("late");
      s->end();
    });
  }, [&](std::uint16_t port) {
    auto options = tls_client_options(port);
    options.allowHalfOpen = true;
    c = tls::connect(options, [&] { c->end("ping"); });
    trace_events(trace, "C", c);
    c->on(net::events::close, [&](bool) { server->close(); });
  });
  run_loop();
  CHECK(lines_of(trace, "C") ==
        Lines{"C.connect", "C.ready", "C.secureConnect", "C.finish", "C.data late", "C.end", "C.close false"});
  CHECK(lines_of(trace, "S") == Lines{"S.data ping", "S.end", "S.finish", "S.close false"});
}

TEST_CASE("writes and end() made before the handshake ends wait for it and go out encrypted", "[tls][tls_socket]") {
  std::string received;
  std::uint64_t written = 0;
  tls::ServerPtr server;
  server = tls_serve(tls_server_options(certs().server), [&](const tls::TLSSocketPtr& s) {
    s->on(net::events::data, [&](BufferView b) { received += std::string(b); });
    s->on(net::events::end, [s] { s->end(); });
  }, [&](std::uint16_t port) {
    auto c = tls::connect(tls_client_options(port));
    c->write("one ");
    c->on(net::events::connect, [c] { c->write("two "); c->end("three"); });
    c->resume();
    c->on(net::events::close, [&, c](bool) {
      written = c->bytesWritten();
      server->close();
    });
  });
  run_loop();
  CHECK(received == "one two three");
  CHECK(written == 13);
}

TEST_CASE("setTimeout on a TLSSocket: 'timeout' after the idle period, the callback, no close by itself",
          "[tls][tls_socket]") {
  Trace trace;
  tls::ServerPtr server;
  tls::TLSSocketPtr c;
  server = tls_serve(tls_server_options(certs().server), [&](const tls::TLSSocketPtr& s) { s->resume(); },
                     [&](std::uint16_t port) {
                       c = tls::connect(tls_client_options(port), [&] {
                         c->setTimeout(100, [&] {
                           trace("C.timeout-callback");
                           c->destroy();
                         });
                       });
                       trace_events(trace, "C", c);
                       c->on(net::events::close, [&](bool) { server->close(); });
                     });
  run_loop();
  CHECK(trace.lines ==
        Lines{"C.connect", "C.ready", "C.secureConnect", "C.timeout", "C.timeout-callback", "C.close false"});
}

namespace {
std::uint64_t fnv1a(std::uint64_t h, BufferView b) {
  for (std::uint8_t c : b) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}
}  // namespace

TEST_CASE("16 MiB through TLS and back through a server's pipe() arrive whole, in order (checksum)",
          "[tls][tls_socket]") {
  constexpr std::size_t total = 16 * 1024 * 1024;
  std::vector<std::uint8_t> block(64 * 1024);
  for (std::size_t i = 0; i < block.size(); ++i) block[i] = static_cast<std::uint8_t>((i * 131 + i / 256) & 0xFF);
  std::uint64_t sent_sum = 14695981039346656037ull, received_sum = 14695981039346656037ull;
  std::size_t received = 0;
  bool ended = false;
  tls::ServerPtr server;
  server = tls_serve(tls_server_options(certs().server), [&](const tls::TLSSocketPtr& s) { s->pipe(s); },
                     [&](std::uint16_t port) {
                       auto sent = std::make_shared<std::size_t>(0);
                       auto pump = std::make_shared<std::function<void()>>();
                       auto c = tls::connect(tls_client_options(port));
                       std::weak_ptr<tls::TLSSocket> weak = c;
                       // Write with backpressure: on until write() says false, then at 'drain'.
                       *pump = [&, weak, sent] {
                         auto s = weak.lock();
                         if (!s) return;
                         while (*sent < total) {
                           BufferView chunk(block.data(), block.size());
                           sent_sum = fnv1a(sent_sum, chunk);
                           *sent += chunk.size();
                           if (!s->write(chunk)) return;
                         }
                         s->end();
                       };
                       c->on(tls::events::secureConnect, [pump] { (*pump)(); });
                       c->on(net::events::drain, [pump] { (*pump)(); });
                       c->on(net::events::data, [&](BufferView b) {
                         received += b.size();
                         received_sum = fnv1a(received_sum, b);
                       });
                       c->on(net::events::end, [&] { ended = true; });
                       c->on(net::events::close, [&, pump](bool) {
                         *pump = nullptr;
                         server->close();
                       });
                     });
  run_loop(60s);
  CHECK(ended);
  CHECK(received == total);
  CHECK(received_sum == sent_sum);
}

TEST_CASE("the 'session' a first connection emits resumes a second one: isSessionReused()", "[tls][tls_socket]") {
  std::optional<Buffer> saved;
  std::vector<std::string> seen;
  tls::ServerPtr server;
  server = tls_serve(tls_server_options(certs().server), [&](const tls::TLSSocketPtr& s) { s->end("x"); },
                     [&](std::uint16_t port) {
                       auto first = tls::connect(tls_client_options(port));
                       first->on(tls::events::session, [&](BufferView b) { saved = Buffer(b); });
                       first->resume();
                       first->on(net::events::close, [&, port](bool) {
                         REQUIRE(saved);
                         auto options = tls_client_options(port);
                         options.session = *saved;
                         tls::TLSSocketPtr second;
                         second = tls::connect(options);
                         std::weak_ptr<tls::TLSSocket> weak = second;
                         second->on(tls::events::secureConnect, [&, weak] {
                           if (auto s = weak.lock())
                             seen.push_back("reused:" + flag(s->isSessionReused()) + " authorized:" + flag(s->authorized()));
                         });
                         second->resume();
                         second->on(net::events::close, [&](bool) { server->close(); });
                       });
                     });
  run_loop();
  CHECK(seen == std::vector<std::string>{"reused:true authorized:true"});
}
