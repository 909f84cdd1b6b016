#include "berth/tls/secure_context.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "berth/tls/peer_certificate.hpp"
#include "tls_support.hpp"

// Every expected code and message below is what node v20.20.2 (OpenSSL 3.0.19) printed
// for the same input: test/tls_probes/probe4.js (tls.createSecureContext) and probe5.js
// (tls.checkServerIdentity), run on certificates from test/tls_support.hpp.

using berth::Error;
using berth::tls::SecureContext;
using berth::tls::SecureContextOptions;

namespace {

Error context_error(const SecureContextOptions& options) {
  Error error;
  SecureContext context(options, error);
  CHECK(static_cast<bool>(context) == !error);
  return error;
}

}  // namespace

TEST_CASE("createSecureContext builds a server and a client context from PEM text", "[tls]") {
  const auto& certs = berth::test::tls_certificates();
  SecureContextOptions server;
  server.key = certs.server.key;
  server.cert = certs.server.cert + certs.ca.cert;  // a chain: the leaf, then the CA
  server.ALPNProtocols = {"h2", "http/1.1"};
  SecureContext context = berth::tls::createSecureContext(server);
  CHECK(static_cast<bool>(context));
  CHECK(context.rejectUnauthorized());
  CHECK_FALSE(context.requestCert());
  CHECK(context.ALPNProtocols() == std::vector<std::string>{"h2", "http/1.1"});

  SecureContextOptions client;
  client.ca = {certs.ca.cert, certs.other_ca.cert};  // several CAs: node's probe4 "two cas -> ok"
  CHECK_NOTHROW(SecureContext(client));
  SecureContextOptions no_ca;  // the system's trust store
  CHECK_NOTHROW(SecureContext(no_ca));
}

TEST_CASE("createSecureContext decrypts a key with its passphrase and names a missing or wrong one ERR_OSSL_BAD_DECRYPT",
          "[tls]") {
  const auto& certs = berth::test::tls_certificates();
  SecureContextOptions options;
  options.key = certs.server_key_encrypted;
  options.cert = certs.server.cert;
  options.passphrase = certs.passphrase;
  CHECK_FALSE(context_error(options));  // probe4: "encrypted key right passphrase -> ok"
  options.passphrase.reset();
  Error missing = context_error(options);
  CHECK(missing.code == "ERR_OSSL_BAD_DECRYPT");
  CHECK(missing.message == "error:1C800064:Provider routines::bad decrypt");
  options.passphrase = "wrong";
  Error wrong = context_error(options);
  CHECK(wrong.code == "ERR_OSSL_BAD_DECRYPT");
  CHECK(wrong.message == "error:1C800064:Provider routines::bad decrypt");
}

TEST_CASE("createSecureContext rejects a bad key, a bad cert and a mismatched pair with Node's OpenSSL codes", "[tls]") {
  const auto& certs = berth::test::tls_certificates();
  struct Case {
    const char* name;
    std::string key, cert;
    const char* code;
    const char* message;
  };
  const std::string bad_body_key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
  const std::string bad_body_cert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  // probe4's lines "bad key", "bad key PEM body", "bad cert", "bad cert PEM body", "key mismatch".
  Case cases[] = {
      {"bad key", "not a key", certs.server.cert, "ERR_OSSL_UNSUPPORTED", "error:1E08010C:DECODER routines::unsupported"},
      {"bad key PEM body", bad_body_key, certs.server.cert, "ERR_OSSL_UNSUPPORTED",
       "error:1E08010C:DECODER routines::unsupported"},
      {"bad cert", certs.server.key, "not a cert", "ERR_OSSL_PEM_NO_START_LINE",
       "error:0480006C:PEM routines::no start line"},
      {"bad cert PEM body", certs.server.key, bad_body_cert, "ERR_OSSL_ASN1_WRONG_TAG",
       "error:068000A8:asn1 encoding routines::wrong tag"},
      {"key mismatch", certs.client.key, certs.server.cert, "ERR_OSSL_X509_KEY_VALUES_MISMATCH",
       "error:05800074:x509 certificate routines::key values mismatch"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    SecureContextOptions options;
    options.key = c.key;
    options.cert = c.cert;
    Error error = context_error(options);
    CHECK(error.code == c.code);
    CHECK(error.message == c.message);
    CHECK(error.kind == berth::ErrorKind::Error);
  }
  SecureContextOptions throwing;
  throwing.key = "not a key";
  throwing.cert = certs.server.cert;
  CHECK_THROWS_AS(SecureContext(throwing), Error);
}

TEST_CASE("createSecureContext checks versions and ciphers as Node does", "[tls]") {
  SecureContextOptions options;
  options.minVersion = "TLSv9";
  Error min = context_error(options);
  CHECK(min.code == "ERR_TLS_INVALID_PROTOCOL_VERSION");
  CHECK(min.message == "\"TLSv9\" is not a valid minimum TLS protocol version");
  CHECK(min.kind == berth::ErrorKind::TypeError);
  options.minVersion.reset();
  options.maxVersion = "SSLv3";
  Error max = context_error(options);
  CHECK(max.code == "ERR_TLS_INVALID_PROTOCOL_VERSION");
  CHECK(max.message == "\"SSLv3\" is not a valid maximum TLS protocol version");
  // probe4: a minimum above the maximum, and TLSv1, are accepted at creation.
  options.minVersion = "TLSv1.3";
  options.maxVersion = "TLSv1.2";
  CHECK_FALSE(context_error(options));
  options.minVersion = "TLSv1";
  options.maxVersion.reset();
  CHECK_FALSE(context_error(options));

  SecureContextOptions ciphers;
  ciphers.ciphers = "NOPE";
  Error nope = context_error(ciphers);
  CHECK(nope.code == "ERR_SSL_NO_CIPHER_MATCH");
  CHECK(nope.message == "error:0A0000B9:SSL routines::no cipher match");
  ciphers.ciphers = "TLS_AES_128_GCM_SHA256";  // TLS 1.3 suites only: an empty TLS 1.2 list is meant
  CHECK_FALSE(context_error(ciphers));
}

TEST_CASE("createSecureContext ignores ca text that holds no certificate, as Node does", "[tls]") {
  SecureContextOptions options;
  options.ca = {"not a ca"};  // probe4: "bad ca -> ok"
  CHECK_FALSE(context_error(options));
  options.ca = {"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"};  // "bad ca PEM body -> ok"
  CHECK_FALSE(context_error(options));
}

TEST_CASE("checkServerIdentity follows Node's rules for DNS names, wildcards, the CN and IP addresses", "[tls]") {
  using berth::tls::checkServerIdentity;
  using berth::tls::PeerCertificate;
  auto san = [](std::string names) {
    PeerCertificate cert;
    cert.subjectaltname = std::move(names);
    return cert;
  };
  auto cn = [](std::string name) {
    PeerCertificate cert;
    cert.subject["CN"] = std::move(name);
    return cert;
  };
  const std::string ours = "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1";
  // probe5's lines, in order.
  CHECK_FALSE(checkServerIdentity("a.example.com", san("DNS:*.example.com")));
  Error deep = checkServerIdentity("a.b.example.com", san("DNS:*.example.com"));
  CHECK(deep.code == "ERR_TLS_CERT_ALTNAME_INVALID");
  CHECK(deep.message ==
        "Hostname/IP does not match certificate's altnames: Host: a.b.example.com. is not in the cert's altnames: "
        "DNS:*.example.com");
  CHECK(deep.host == "a.b.example.com");
  CHECK_FALSE(checkServerIdentity("A.Example.COM.", san("DNS:a.example.com")));
  Error tld = checkServerIdentity("example.com", san("DNS:*.com"));
  CHECK(tld.message ==
        "Hostname/IP does not match certificate's altnames: Host: example.com. is not in the cert's altnames: DNS:*.com");
  CHECK_FALSE(checkServerIdentity("foo.example.com", san("DNS:f*.example.com")));
  CHECK_FALSE(checkServerIdentity("localhost", cn("localhost")));
  Error other = checkServerIdentity("other", cn("localhost"));
  CHECK(other.message == "Hostname/IP does not match certificate's altnames: Host: other. is not cert's CN: localhost");
  PeerCertificate ip_and_cn = san("IP Address:127.0.0.1");
  ip_and_cn.subject["CN"] = "localhost";
  CHECK_FALSE(checkServerIdentity("localhost", ip_and_cn));
  CHECK_FALSE(checkServerIdentity("::1", san(ours)));
  Error ip = checkServerIdentity("::2", san(ours));
  CHECK(ip.message == "Hostname/IP does not match certificate's altnames: IP: ::2 is not in the cert's list: 127.0.0.1, ::1");
  CHECK(ip.host == "::2");
  Error ip_cn = checkServerIdentity("127.0.0.1", cn("127.0.0.1"));
  CHECK(ip_cn.message == "Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: ");
}
