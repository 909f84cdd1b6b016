#include "berth/tls/stream.hpp"

#include <asio/co_spawn.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/this_coro.hpp>
#include <catch2/catch.hpp>
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "berth/acceptor.hpp"
#include "berth/connect.hpp"
#include "berth/tls/connect.hpp"
#include "support.hpp"
#include "tls_support.hpp"

// Real sockets on 127.0.0.1 and ::1, port 0. Every expected value comes from node v20.20.2
// (OpenSSL 3.0.19) on the same kind of certificates (written by test/tls_support.hpp), with
// the probes in test/tls_probes/ (write_certs.cpp says how to run them):
//   probe1.js  handshake success: authorized, alpnProtocol, servername, getProtocol(),
//              getCipher(), getPeerCertificate() fields
//   probe2.js  verification failures, rejectUnauthorized true and false
//   probe3.js  client certificates, SNI, resumption, a peer that closes mid-handshake, a
//              plain-TCP peer; probe3b.js version mismatch, ALPN without overlap
// Catch2's CHECK must not contain co_await: await into a variable, then check it.
// Options structs are named variables, never temporaries in a co_await statement (g++ 12).

using namespace asio::experimental::awaitable_operators;
using berth::Acceptor;
using berth::Error;
namespace tls = berth::tls;
using berth::test::run_coro;

namespace {

const berth::test::TlsCertificates& certs() { return berth::test::tls_certificates(); }

tls::SecureContext server_context(const berth::test::TlsPair& pair, bool request_cert = false,
                                  bool reject = true, std::vector<std::string> alpn = {}) {
  tls::SecureContextOptions options;
  options.key = pair.key;
  options.cert = pair.cert;
  // Only a server that asks for client certificates trusts the CA (as in the node probes):
  // a server with the CA in its store would also send it in its chain.
  if (request_cert) options.ca = {certs().ca.cert};
  options.requestCert = request_cert;
  options.rejectUnauthorized = reject;
  options.ALPNProtocols = std::move(alpn);
  return tls::SecureContext(options);
}

tls::SecureContext client_context(std::string ca, bool reject = true, std::vector<std::string> alpn = {},
                                  const berth::test::TlsPair* own = nullptr) {
  tls::SecureContextOptions options;
  options.ca = {std::move(ca)};
  options.rejectUnauthorized = reject;
  options.ALPNProtocols = std::move(alpn);
  if (own) {
    options.key = own->key;
    options.cert = own->cert;
  }
  return tls::SecureContext(options);
}

struct Handshaken {
  std::optional<tls::Stream> client{};
  std::optional<tls::Stream> server{};
  Error client_error{};
  Error server_error{};
};

// Listens on `host` port 0, then connects with tls::connect and accepts with a server
// handshake at the same time; both in the Error& form.
asio::awaitable<Handshaken> handshake_pair(const tls::SecureContext& server_ctx, const tls::SecureContext& client_ctx,
                                           tls::HandshakeOptions options, std::string host = "127.0.0.1") {
  auto ex = co_await asio::this_coro::executor;
  Acceptor acceptor(ex);
  berth::ListenOptions listen;
  listen.host = host;
  acceptor.listen(listen);
  berth::ConnectOptions connect;
  connect.host = host;
  connect.port = acceptor.address()->port;
  Handshaken out;
  auto server_side = [&]() -> asio::awaitable<void> {
    berth::Stream raw = co_await acceptor.accept();
    out.server.emplace(std::move(raw), server_ctx);
    co_await out.server->handshake(tls::server, out.server_error);
  };
  auto client_side = [&]() -> asio::awaitable<void> {
    tls::ConnectOptions tls_options(connect, client_ctx, options);
    tls::Stream stream = co_await tls::connect(tls_options, out.client_error);
    out.client.emplace(std::move(stream));
  };
  co_await (server_side() && client_side());
  co_return out;
}

asio::awaitable<std::string> read_all(tls::Stream& stream) {
  std::string all;
  std::array<char, 4096> buf{};
  while (std::size_t n = co_await stream.read_some(asio::buffer(buf))) all.append(buf.data(), n);
  co_return all;
}

std::uint64_t fnv1a(const std::uint8_t* p, std::size_t n, std::uint64_t h = 1469598103934665603ull) {
  for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

}  // namespace

TEST_CASE("a TLS handshake verifies the server against the CA, agrees on ALPN, carries SNI and reports Node's fields",
          "[tls]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto server_ctx = server_context(certs().server, false, true, {"h2", "http/1.1"});
    auto client_ctx = client_context(certs().ca.cert, true, {"x", "http/1.1"});
    tls::HandshakeOptions options;
    options.servername = "localhost";
    Handshaken h = co_await handshake_pair(server_ctx, client_ctx, options);
    REQUIRE_FALSE(h.client_error);
    REQUIRE_FALSE(h.server_error);
    tls::Stream& client = *h.client;
    tls::Stream& server = *h.server;
    // probe1: "authorized true authorizationError null", "alpn http/1.1 servername localhost protocol TLSv1.3"
    CHECK(client.authorized());
    CHECK(client.authorizationError().empty());
    CHECK(client.alpnProtocol() == "http/1.1");
    CHECK(client.servername() == "localhost");
    CHECK(client.getProtocol() == "TLSv1.3");
    // probe1: "server servername localhost alpn http/1.1 authorized false authErr null", "server getPeerCertificate {}"
    CHECK(server.servername() == "localhost");
    CHECK(server.alpnProtocol() == "http/1.1");
    CHECK_FALSE(server.authorized());
    CHECK(server.authorizationError().empty());
    CHECK(server.getPeerCertificate().empty());
    // probe1: cipher {"name":"TLS_AES_256_GCM_SHA384","standardName":"TLS_AES_256_GCM_SHA384","version":"TLSv1.3"}
    tls::Cipher cipher = client.getCipher();
    CHECK(cipher.name == "TLS_AES_256_GCM_SHA384");
    CHECK(cipher.standardName == "TLS_AES_256_GCM_SHA384");
    CHECK(cipher.version == "TLSv1.3");
    // probe1's getPeerCertificate() lines.
    tls::PeerCertificate peer = client.getPeerCertificate();
    CHECK(peer.subject == std::map<std::string, std::string>{{"C", "US"}, {"O", "berth tests"}, {"CN", "localhost"}});
    CHECK(peer.issuer == std::map<std::string, std::string>{{"C", "US"}, {"O", "berth tests"}, {"CN", "berth test CA"}});
    CHECK(peer.subjectaltname == "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1");
    std::regex date(R"([A-Z][a-z]{2} [ 1-3][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4} GMT)");  // "Nov 29 12:33:25 2026 GMT"
    CHECK(std::regex_match(peer.valid_from, date));
    CHECK(std::regex_match(peer.valid_to, date));
    CHECK(std::regex_match(peer.fingerprint256, std::regex("([0-9A-F]{2}:){31}[0-9A-F]{2}")));
    CHECK(std::regex_match(peer.fingerprint, std::regex("([0-9A-F]{2}:){19}[0-9A-F]{2}")));
    CHECK(peer.serialNumber == "0A1B2C3D4E5F");
    CHECK_FALSE(peer.ca);
    CHECK(peer.raw.size() > 100);
    CHECK(server.getCertificate().fingerprint256 == peer.fingerprint256);

    co_await client.write(std::string_view("ping"));
    std::array<char, 4> buf{};
    std::size_t n = co_await server.read_some(asio::buffer(buf));
    CHECK(std::string(buf.data(), n) == "ping");
  });
}

TEST_CASE("a TLS client on ::1 matches the certificate's IPv6 address", "[tls]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto server_ctx = server_context(certs().server);
    auto client_ctx = client_context(certs().ca.cert);
    tls::HandshakeOptions options;
    Handshaken h = co_await handshake_pair(server_ctx, client_ctx, options, "::1");
    // probe2: "connect by ::1 reject=true: secureConnect authorized=true authorizationError=null"
    REQUIRE_FALSE(h.client_error);
    CHECK(h.client->authorized());
    CHECK(h.client->servername().empty());  // Node sends no SNI unless servername is given
  });
}

TEST_CASE("each failing verification gives Node's code, and rejectUnauthorized=false lets it through unauthorized",
          "[tls]") {
  struct Case {
    const char* name;
    std::string server_cert, server_key, client_ca;
    std::optional<std::string> servername;
    const char* code;
    const char* message;
  };
  const auto& c = certs();
  // probe2's lines.
  std::vector<Case> cases = {
      {"self-signed", c.self_signed.cert, c.self_signed.key, c.ca.cert, {}, "DEPTH_ZERO_SELF_SIGNED_CERT",
       "self-signed certificate"},
      {"expired", c.expired.cert, c.expired.key, c.ca.cert, {}, "CERT_HAS_EXPIRED", "certificate has expired"},
      {"wrong host", c.wrong_host.cert, c.wrong_host.key, c.ca.cert, {}, "ERR_TLS_CERT_ALTNAME_INVALID",
       "Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: "},
      {"servername not in the certificate", c.server.cert, c.server.key, c.ca.cert, "other.example",
       "ERR_TLS_CERT_ALTNAME_INVALID",
       "Hostname/IP does not match certificate's altnames: Host: other.example. is not in the cert's altnames: "
       "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"},
      {"unknown CA", c.server.cert, c.server.key, c.other_ca.cert, {}, "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
       "unable to verify the first certificate"},
      {"self-signed CA in the chain", c.server.cert + c.ca.cert, c.server.key, c.other_ca.cert, {},
       "SELF_SIGNED_CERT_IN_CHAIN", "self-signed certificate in certificate chain"},
  };
  for (const Case& k : cases) {
    for (bool reject : {true, false}) {
      INFO(k.name << (reject ? ", rejectUnauthorized" : ", rejectUnauthorized=false"));
      run_coro([&]() -> asio::awaitable<void> {
        berth::test::TlsPair pair{k.server_cert, k.server_key, "", ""};
        auto server_ctx = server_context(pair);
        auto client_ctx = client_context(k.client_ca, reject);
        tls::HandshakeOptions options;
        options.servername = k.servername;
        Handshaken h = co_await handshake_pair(server_ctx, client_ctx, options);
        if (reject) {
          CHECK(h.client_error.code == k.code);
          CHECK(h.client_error.message == k.message);
          if (std::string(k.code) == "ERR_TLS_CERT_ALTNAME_INVALID")
            CHECK(h.client_error.host == k.servername.value_or("127.0.0.1"));
          CHECK_FALSE(h.client->next_layer().is_open());
        } else {
          CHECK_FALSE(h.client_error);
          CHECK_FALSE(h.client->authorized());
          CHECK(h.client->authorizationError() == k.code);
        }
        CHECK(h.client->authorizationError() == k.code);
      });
    }
  }
}

TEST_CASE("a server that requires a client certificate accepts one from its CA and refuses a missing one", "[tls]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto server_ctx = server_context(certs().server, true, true);
    auto with_cert = client_context(certs().ca.cert, true, {}, &certs().client);
    auto without = client_context(certs().ca.cert);
    tls::HandshakeOptions options;

    // probe3: "server authorized true null {"C":"US","O":"berth tests","CN":"berth test client"}"
    Handshaken given = co_await handshake_pair(server_ctx, with_cert, options);
    REQUIRE_FALSE(given.client_error);
    REQUIRE_FALSE(given.server_error);
    CHECK(given.server->authorized());
    CHECK(given.server->getPeerCertificate().subject.at("CN") == "berth test client");

    // probe3: the server's tlsClientError ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE; the
    // client's handshake ends first (TLS 1.3), then its read gets the server's alert:
    // ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED.
    Handshaken missing = co_await handshake_pair(server_ctx, without, options);
    CHECK(missing.server_error.code == "ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE");
    CHECK(missing.server_error.message.find("peer did not return a certificate") != std::string::npos);
    REQUIRE_FALSE(missing.client_error);
    CHECK(missing.client->authorized());
    Error read_error;
    std::array<char, 16> buf{};
    co_await missing.client->read_some(asio::buffer(buf), read_error);
    CHECK(read_error.code == "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED");
    CHECK(read_error.message.find("tlsv13 alert certificate required") != std::string::npos);

    // probe3: "client cert missing, server rejectUnauthorized false" -> "server authorized false UNABLE_TO_GET_ISSUER_CERT"
    auto lenient = server_context(certs().server, true, false);
    Handshaken let_through = co_await handshake_pair(lenient, without, options);
    REQUIRE_FALSE(let_through.server_error);
    CHECK_FALSE(let_through.server->authorized());
    CHECK(let_through.server->authorizationError() == "UNABLE_TO_GET_ISSUER_CERT");
  });
}

TEST_CASE("64 MiB each way through TLS at the same time arrive with their checksums", "[tls]") {
  run_coro(
      [&]() -> asio::awaitable<void> {
        auto server_ctx = server_context(certs().server);
        auto client_ctx = client_context(certs().ca.cert);
        tls::HandshakeOptions options;
        Handshaken h = co_await handshake_pair(server_ctx, client_ctx, options);
        REQUIRE_FALSE(h.client_error);
        REQUIRE_FALSE(h.server_error);
        constexpr std::size_t total = 64u << 20;
        std::vector<std::uint8_t> a(total), b(total);
        for (std::size_t i = 0; i < total; ++i) {
          a[i] = static_cast<std::uint8_t>(i * 7 + (i >> 13));
          b[i] = static_cast<std::uint8_t>(i * 13 + (i >> 11));
        }
        const std::uint64_t sum_a = fnv1a(a.data(), a.size()), sum_b = fnv1a(b.data(), b.size());
        std::uint64_t got_by_server = 0, got_by_client = 0;
        auto send = [](tls::Stream& s, const std::vector<std::uint8_t>& bytes) -> asio::awaitable<void> {
          co_await s.write(asio::buffer(bytes));
          co_await s.shutdown();
        };
        auto receive = [](tls::Stream& s, std::uint64_t& sum) -> asio::awaitable<void> {
          std::vector<std::uint8_t> buf(64 * 1024);
          std::uint64_t h = 1469598103934665603ull;
          std::size_t got = 0;
          while (std::size_t n = co_await s.read_some(asio::buffer(buf))) {
            h = fnv1a(buf.data(), n, h);
            got += n;
          }
          sum = got == total ? h : 0;
        };
        co_await (send(*h.client, a) && receive(*h.server, got_by_server) && send(*h.server, b) &&
                  receive(*h.client, got_by_client));
        CHECK(got_by_server == sum_a);
        CHECK(got_by_client == sum_b);
      },
      std::chrono::seconds(90));
}

TEST_CASE("shutdown() sends close_notify and a FIN: the peer's read ends, and the peer can still answer", "[tls]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto server_ctx = server_context(certs().server);
    auto client_ctx = client_context(certs().ca.cert);
    tls::HandshakeOptions options;
    Handshaken h = co_await handshake_pair(server_ctx, client_ctx, options);
    REQUIRE_FALSE(h.client_error);
    co_await h.client->write(std::string_view("last words"));
    co_await h.client->shutdown();
    std::string got = co_await read_all(*h.server);
    CHECK(got == "last words");
    std::array<char, 8> buf{};
    std::size_t again = co_await h.server->read_some(asio::buffer(buf));  // still the end, at once
    CHECK(again == 0);
    // Half-closed: the server answers and ends; the client reads both.
    co_await h.server->write(std::string_view("reply"));
    co_await h.server->shutdown();
    std::string reply = co_await read_all(*h.client);
    CHECK(reply == "reply");
  });
}

TEST_CASE("receive(): a server that read the first bytes itself (sniffing for TLS) hands them over, and the "
          "handshake and the data go through",
          "[tls]") {
  // Node: new TLSSocket(socket) feeds what the socket had buffered to the TLS session
  // (_tls_wrap.js _init, test/tls_probes/probe10.js for the client side).
  run_coro([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto server_ctx = server_context(certs().server);
    auto client_ctx = client_context(certs().ca.cert);
    Acceptor acceptor(ex);
    berth::ListenOptions listen;
    listen.host = "127.0.0.1";
    acceptor.listen(listen);
    std::string sniffed;
    std::string server_got;
    Error server_error;
    auto server_side = [&]() -> asio::awaitable<void> {
      berth::Stream raw = co_await acceptor.accept();
      // The first 7 bytes: a TLS record header (0x16: handshake) and the start of the
      // ClientHello, read in plain text before deciding.
      std::array<std::uint8_t, 7> head{};
      std::size_t got = 0;
      while (got < head.size()) got += co_await raw.read_some(asio::buffer(head.data() + got, head.size() - got));
      sniffed = head[0] == 0x16 ? "tls" : "plain";
      tls::Stream stream(std::move(raw), server_ctx);
      stream.receive(berth::BufferView(head.data(), head.size()));
      co_await stream.handshake(tls::server, server_error);
      if (server_error) co_return;
      server_got = co_await read_all(stream);
      co_await stream.write(std::string_view("pong"));
      co_await stream.shutdown();
    };
    std::string client_got;
    Error client_error;
    auto client_side = [&]() -> asio::awaitable<void> {
      berth::ConnectOptions connect;
      connect.host = "127.0.0.1";
      connect.port = acceptor.address()->port;
      tls::ConnectOptions options(connect, client_ctx);
      tls::Stream stream = co_await tls::connect(options, client_error);
      if (client_error) co_return;
      co_await stream.write(std::string_view("ping"));
      co_await stream.shutdown();
      client_got = co_await read_all(stream);
    };
    co_await (server_side() && client_side());
    CHECK(sniffed == "tls");
    CHECK_FALSE(server_error);
    CHECK_FALSE(client_error);
    CHECK(server_got == "ping");
    CHECK(client_got == "pong");
  });
}

TEST_CASE("a peer that closes mid-handshake is ECONNRESET with Node's message on both sides", "[tls]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto client_ctx = client_context(certs().ca.cert);
    Acceptor acceptor(ex);
    berth::ListenOptions listen;
    listen.host = "127.0.0.1";
    acceptor.listen(listen);
    const int port = acceptor.address()->port;
    // The "server" takes the ClientHello and closes (probe3: "peer ends after ClientHello").
    auto closer = [&]() -> asio::awaitable<void> {
      berth::Stream raw = co_await acceptor.accept();
      std::array<char, 4096> buf{};
      co_await raw.read_some(asio::buffer(buf));
      raw.close();
    };
    Error client_error;
    auto client_side = [&]() -> asio::awaitable<void> {
      berth::ConnectOptions connect;
      connect.host = "127.0.0.1";
      connect.port = port;
      tls::ConnectOptions options(connect, client_ctx);
      tls::Stream s = co_await tls::connect(options, client_error);
    };
    co_await (closer() && client_side());
    CHECK(client_error.code == "ECONNRESET");
    CHECK(client_error.message == "Client network socket disconnected before secure TLS connection was established");
    CHECK(client_error.host == "127.0.0.1");
    CHECK(client_error.port == port);

    // A client that connects and closes without a ClientHello: the server's handshake
    // fails as Node's tlsClientError does, ECONNRESET "socket hang up".
    auto server_ctx = server_context(certs().server);
    Error server_error;
    auto server_side = [&]() -> asio::awaitable<void> {
      berth::Stream raw = co_await acceptor.accept();
      tls::Stream s(std::move(raw), server_ctx);
      co_await s.handshake(tls::server, server_error);
    };
    auto plain_client = [&]() -> asio::awaitable<void> {
      berth::ConnectOptions connect;
      connect.host = "127.0.0.1";
      connect.port = port;
      berth::Stream raw = co_await berth::connect(connect);
      raw.close();
    };
    co_await (server_side() && plain_client());
    CHECK(server_error.code == "ECONNRESET");
    CHECK(server_error.message == "socket hang up");
  });
}

using berth::test::openssl_line_shape;

TEST_CASE("protocol failures carry Node's ERR_SSL_ codes: a plain-TCP peer, a version mismatch, no common ALPN",
          "[tls]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    auto client_ctx = client_context(certs().ca.cert);
    // probe3: "plain HTTP peer error ERR_SSL_WRONG_VERSION_NUMBER ...:wrong version number:..."
    Acceptor acceptor(ex);
    berth::ListenOptions listen;
    listen.host = "127.0.0.1";
    acceptor.listen(listen);
    auto http = [&]() -> asio::awaitable<void> {
      berth::Stream raw = co_await acceptor.accept();
      co_await raw.write(std::string_view("HTTP/1.1 400 Bad Request\r\n\r\n"));
      raw.shutdown_write();
      std::array<char, 4096> buf{};
      while (co_await raw.read_some(asio::buffer(buf)) > 0) {
      }
    };
    Error plain_error;
    auto client_side = [&]() -> asio::awaitable<void> {
      berth::ConnectOptions connect;
      connect.host = "127.0.0.1";
      connect.port = acceptor.address()->port;
      tls::ConnectOptions options(connect, client_ctx);
      tls::Stream s = co_await tls::connect(options, plain_error);
    };
    co_await (http() && client_side());
    CHECK(plain_error.code == "ERR_SSL_WRONG_VERSION_NUMBER");
    // Node's message is OpenSSL's ERR_print_errors line (node v20 here:
    // "809C431D8C7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:
    // ../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n"); the thread id and the
    // source path and line vary by process and OpenSSL build.
    CHECK(openssl_line_shape(plain_error.message) ==
          "<thread>:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:<file>:<line>:\n");

    tls::HandshakeOptions options;
    // probe3b: "server min 1.3, client max 1.2": the server's ERR_SSL_UNSUPPORTED_PROTOCOL,
    // the client's ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION.
    tls::SecureContextOptions min13;
    min13.key = certs().server.key;
    min13.cert = certs().server.cert;
    min13.minVersion = "TLSv1.3";
    tls::SecureContext server13(min13);
    tls::SecureContextOptions max12;
    max12.ca = {certs().ca.cert};
    max12.maxVersion = "TLSv1.2";
    tls::SecureContext client12(max12);
    Handshaken versions = co_await handshake_pair(server13, client12, options);
    CHECK(versions.server_error.code == "ERR_SSL_UNSUPPORTED_PROTOCOL");
    CHECK(versions.client_error.code == "ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION");

    // probe3b: "both 1.2": TLSv1.2, with a TLS 1.2 cipher.
    Handshaken v12 = co_await handshake_pair(server_context(certs().server), client12, options);
    REQUIRE_FALSE(v12.client_error);
    CHECK(v12.client->getProtocol() == "TLSv1.2");
    CHECK(v12.client->getCipher().version == "TLSv1.2");

    // probe3b: "ALPN no overlap": ERR_SSL_NO_APPLICATION_PROTOCOL and the client's
    // ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL; "ALPN client only": no protocol.
    auto h2_only = server_context(certs().server, false, true, {"h2"});
    auto http11 = client_context(certs().ca.cert, true, {"http/1.1"});
    Handshaken alpn = co_await handshake_pair(h2_only, http11, options);
    CHECK(alpn.server_error.code == "ERR_SSL_NO_APPLICATION_PROTOCOL");
    CHECK(alpn.client_error.code == "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL");
    Handshaken client_only = co_await handshake_pair(server_context(certs().server), http11, options);
    REQUIRE_FALSE(client_only.client_error);
    CHECK(client_only.client->alpnProtocol().empty());
  });
}

TEST_CASE("a second connect with the first's session resumes it: isSessionReused()", "[tls]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto server_ctx = server_context(certs().server);
    auto client_ctx = client_context(certs().ca.cert);
    tls::HandshakeOptions options;
    options.servername = "localhost";
    Handshaken first = co_await handshake_pair(server_ctx, client_ctx, options);
    REQUIRE_FALSE(first.client_error);
    CHECK_FALSE(first.client->isSessionReused());
    // TLS 1.3: the ticket comes after the handshake; the client has it once it has read.
    co_await first.server->write(std::string_view("hi"));
    co_await first.server->shutdown();
    std::string got = co_await read_all(*first.client);
    CHECK(got == "hi");
    berth::Buffer session = first.client->getSession();
    REQUIRE(session.size() > 0);

    // probe3: "resumed secureConnect authorized true reused true servername localhost"
    options.session = session;
    Handshaken second = co_await handshake_pair(server_ctx, client_ctx, options);
    REQUIRE_FALSE(second.client_error);
    CHECK(second.client->isSessionReused());
    CHECK(second.server->isSessionReused());
    CHECK(second.client->authorized());
  });
}
