#include "berth/tls/server.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "berth/net.hpp"
#include "berth/tls/socket.hpp"
#include "net_support.hpp"
#include "tls_event_support.hpp"

// tls::Server and tls::createServer on 127.0.0.1, port 0. Expected orders, codes and
// messages from node v20 with test/tls_probes/probe6.js (scenarios basic, clientCert,
// handshakeTimeout, plainClient); write_certs.cpp there says how to run it.

using namespace berth;
using namespace std::chrono_literals;
using berth::test::certs;
using berth::test::flag;
using berth::test::lines_of;
using berth::test::openssl_line_shape;
using berth::test::run_loop;
using berth::test::tls_client_options;
using berth::test::tls_serve;
using berth::test::tls_server_options;
using berth::test::Trace;
using berth::test::trace_events;
using Lines = std::vector<std::string>;

TEST_CASE("a tls::Server keeps net::Server's behaviour: 'listening', 'connection' before 'secureConnection', "
          "getConnections, close()",
          "[tls][tls_server]") {
  Trace trace;
  tls::ServerPtr server = tls::createServer(tls_server_options(certs().server), [&](const tls::TLSSocketPtr& s) {
    trace("secureConnection secure:" + flag(s->secureEstablished()));
    server->getConnections([&](const Error& e, std::size_t n) { trace("getConnections " + std::to_string(n) + e.code); });
    s->end("bye");
  });
  server->on(net::events::connection, [&](const net::SocketPtr& s) {
    auto t = std::dynamic_pointer_cast<tls::TLSSocket>(s);
    trace("connection tls:" + flag(t != nullptr) + " secure:" + flag(t && t->secureEstablished()));
  });
  server->on(net::events::listening, [&] { trace("listening"); });
  server->on(net::events::close, [&](bool) { trace("server close"); });
  server->listen(0, "127.0.0.1", [&] {
    auto c = tls::connect(tls_client_options(server->address()->port));
    c->resume();
    c->on(net::events::close, [&](bool) { server->close(); });
  });
  run_loop();
  CHECK(trace.lines == Lines{"listening", "connection tls:true secure:false", "secureConnection secure:true",
                             "getConnections 1", "server close"});
}

TEST_CASE("a server that requires a client certificate: one from its CA is authorized, a missing one is "
          "'tlsClientError' on the server and an alert 'error' on the client",
          "[tls][tls_server]") {
  for (bool with_cert : {true, false}) {
    INFO("client certificate " << with_cert);
    Trace trace;
    std::string client_message;
    std::string server_message;
    tls::ServerPtr server;
    auto server_options = tls_server_options(certs().server);
    server_options.ca = {certs().ca.cert};
    server_options.requestCert = true;
    server_options.rejectUnauthorized = true;
    server = tls_serve(server_options, [&](const tls::TLSSocketPtr& s) {
      trace("S.secureConnection authorized:" + flag(s->authorized()) + " CN:" + s->getPeerCertificate().subject["CN"]);
      s->end("x");
    }, [&](std::uint16_t port) {
      auto options = tls_client_options(port);
      if (with_cert) {
        options.key = certs().client.key;
        options.cert = certs().client.cert;
      }
      auto c = tls::connect(options);
      trace_events(trace, "C", c);
      c->on(berth::events::error, [&](const Error& e) { client_message = e.message; });
      c->on(net::events::close, [&](bool) { server->close(); });
    });
    server->on(tls::events::tlsClientError, [&](const Error& e, const tls::TLSSocketPtr& s) {
      trace("S.tlsClientError " + e.code + " tls:" + flag(s != nullptr));
      server_message = e.message;
    });
    run_loop();
    if (with_cert) {
      CHECK(lines_of(trace, "S") == Lines{"S.secureConnection authorized:true CN:berth test client"});
      CHECK(lines_of(trace, "C") ==
            Lines{"C.connect", "C.ready", "C.secureConnect", "C.data x", "C.end", "C.finish", "C.close false"});
    } else {
      // TLS 1.3: the client's handshake ends before the server has looked at its
      // certificate; the server's alert then fails the client's read. As node
      // (conformance tls-client-cert): 'error' without destroy() after the handshake, the
      // socket ends with the server's FIN; both messages are OpenSSL's error lines.
      CHECK(lines_of(trace, "S") == Lines{"S.tlsClientError ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE tls:true"});
      CHECK(openssl_line_shape(server_message) ==
            "<thread>:error:0A0000C7:SSL routines:tls_process_client_certificate:peer did not return a "
            "certificate:<file>:<line>:\n");
      CHECK(lines_of(trace, "C") == Lines{"C.connect", "C.ready", "C.secureConnect",
                                          "C.error ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED", "C.end", "C.finish",
                                          "C.close false"});
      CHECK(openssl_line_shape(client_message) ==
            "<thread>:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:<file>:<line>:SSL "
            "alert number 116\n");
    }
  }
}

TEST_CASE("handshakeTimeout: 'tlsClientError' ERR_TLS_HANDSHAKE_TIMEOUT, the listener destroys, without a listener "
          "the server destroys the socket",
          "[tls][tls_server]") {
  for (bool listen : {true, false}) {
    INFO("tlsClientError listener " << listen);
    Trace trace;
    auto options = tls_server_options(certs().server);
    options.handshakeTimeout = 200ms;
    tls::ServerPtr server = tls::createServer(options, [&](const tls::TLSSocketPtr&) { trace("secureConnection"); });
    if (listen)
      server->on(tls::events::tlsClientError, [&](const Error& e, const tls::TLSSocketPtr& s) {
        trace("tlsClientError " + e.code + " " + e.message + " destroyed:" + flag(s->destroyed()));
        s->destroy();
      });
    server->listen(0, "127.0.0.1", [&] {
      auto raw = net::connect(server->address()->port, "127.0.0.1");  // never says hello
      raw->on(net::events::end, [&] { trace("raw end"); });
      raw->on(net::events::close, [&](bool e) {
        trace("raw close " + flag(e));
        server->close();
      });
    });
    run_loop();
    if (listen)
      CHECK(trace.lines == Lines{"tlsClientError ERR_TLS_HANDSHAKE_TIMEOUT TLS handshake timeout destroyed:false",
                                 "raw end", "raw close false"});
    else
      CHECK(trace.lines == Lines{"raw end", "raw close false"});
  }
  CHECK(tls::createServer(tls_server_options(certs().server))->handshakeTimeout() == 120000ms);
}

TEST_CASE("a plain-text client gets the server's 'tlsClientError' ERR_SSL_HTTP_REQUEST and a closed connection",
          "[tls][tls_server]") {
  Trace trace;
  tls::ServerPtr server = tls::createServer(tls_server_options(certs().server), [&](const tls::TLSSocketPtr&) {
    trace("secureConnection");
  });
  server->on(tls::events::tlsClientError, [&](const Error& e, const tls::TLSSocketPtr&) { trace("tlsClientError " + e.code); });
  server->listen(0, "127.0.0.1", [&] {
    auto raw = net::connect(server->address()->port, "127.0.0.1");
    raw->on(net::events::connect, [raw] { raw->write("GET / HTTP/1.0\r\n\r\n"); });
    raw->on(net::events::end, [&] { trace("raw end"); });
    raw->on(net::events::close, [&](bool e) {
      trace("raw close " + flag(e));
      server->close();
    });
  });
  run_loop();
  CHECK(trace.lines == Lines{"tlsClientError ERR_SSL_HTTP_REQUEST", "raw end", "raw close false"});
}

// ---- interoperation with real tools (skipped when the tool is not on the PATH) ------

#include <cstdio>
#include <cstdlib>
#include <thread>

#include <asio/post.hpp>

namespace {

bool on_path(const std::string& tool) {
  return std::system(("command -v " + tool + " > /dev/null 2>&1").c_str()) == 0;
}

// Runs `command` (its stdout captured) on a thread while the loop serves; `done` is posted
// to the loop when it has finished.
std::thread run_tool(std::string command, std::string& output, std::function<void()> done) {
  auto& context = Loop::current().context();
  return std::thread([command = std::move(command), &output, done = std::move(done), &context] {
    if (FILE* pipe = popen(command.c_str(), "r")) {
      char buffer[4096];
      std::size_t n;
      while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
      pclose(pipe);
    }
    asio::post(context, done);
  });
}

}  // namespace

TEST_CASE("curl --cacert fetches from a berth TLS server", "[tls][tls_server][interop]") {
  if (!on_path("curl")) {
    WARN("curl is not on the PATH: skipped");
    return;
  }
  std::string output, request;
  std::thread tool;
  auto options = tls_server_options(certs().server);
  options.ALPNProtocols = {"http/1.1"};
  tls::ServerPtr server = tls::createServer(options, [&](const tls::TLSSocketPtr& s) {
    s->on(net::events::data, [&, s](BufferView b) {
      request += std::string(b);
      if (request.find("\r\n\r\n") != std::string::npos && !s->writableEnded())
        s->end("HTTP/1.1 200 OK\r\nContent-Length: 12\r\nConnection: close\r\n\r\nhello world\n");
    });
  });
  server->listen(0, "127.0.0.1", [&] {
    tool = run_tool("curl -s --max-time 10 --cacert " + certs().ca.cert_file + " https://localhost:" +
                        std::to_string(server->address()->port) + "/hi 2>&1",
                    output, [&] { server->close(); });
  });
  run_loop(30s);
  tool.join();
  CHECK(output == "hello world\n");
  CHECK(request.rfind("GET /hi HTTP/1.1\r\n", 0) == 0);
}

TEST_CASE("openssl s_client verifies a berth TLS server and ends cleanly", "[tls][tls_server][interop]") {
  if (!on_path("openssl")) {
    WARN("openssl is not on the PATH: skipped");
    return;
  }
  std::string output;
  std::thread tool;
  Trace trace;
  tls::ServerPtr server = tls::createServer(tls_server_options(certs().server), [&](const tls::TLSSocketPtr& s) {
    trace("secureConnection " + s->getProtocol() + " servername:" + s->servername());
    s->on(net::events::end, [&] { trace("end"); });
    s->on(net::events::close, [&](bool e) { trace("close " + flag(e)); });
    s->write("from berth\n");
  });
  server->listen(0, "127.0.0.1", [&] {
    tool = run_tool("openssl s_client -connect 127.0.0.1:" + std::to_string(server->address()->port) +
                        " -servername localhost -verify_return_error -CAfile " + certs().ca.cert_file +
                        " < /dev/null 2>&1",
                    output, [&] { server->close(); });
  });
  run_loop(30s);
  tool.join();
  CHECK(output.find("Verify return code: 0 (ok)") != std::string::npos);
  CHECK(trace.lines.size() >= 1);
  if (!trace.lines.empty()) CHECK(trace.lines.front() == "secureConnection TLSv1.3 servername:localhost");
}

TEST_CASE("node's tls.connect talks to a berth TLS server, and a berth client to node's tls server",
          "[tls][tls_server][interop]") {
  if (!on_path("node")) {
    WARN("node is not on the PATH: skipped");
    return;
  }
  std::string output;
  std::thread tool;
  tls::ServerPtr server = tls::createServer(tls_server_options(certs().server), [&](const tls::TLSSocketPtr& s) {
    s->pipe(s);  // echo
  });
  server->listen(0, "127.0.0.1", [&] {
    std::string script =
        "const tls=require('tls'),fs=require('fs');"
        "const c=tls.connect({port:" + std::to_string(server->address()->port) +
        ",host:'localhost',ca:fs.readFileSync('" + certs().ca.cert_file +
        "')},()=>{console.log('secureConnect',c.authorized,c.getProtocol());c.end('ping');});"
        "c.setEncoding('utf8');c.on('data',(d)=>console.log('data',d));c.on('end',()=>console.log('end'));"
        "c.on('error',(e)=>console.log('error',e.code));";
    tool = run_tool("node -e \"" + script + "\" 2>&1", output, [&] { server->close(); });
  });
  run_loop(30s);
  tool.join();
  CHECK(output == "secureConnect true TLSv1.3\ndata ping\nend\n");
}
