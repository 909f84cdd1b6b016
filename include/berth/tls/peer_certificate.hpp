#pragma once
// berth::tls::PeerCertificate and Cipher: what Node's tlsSocket.getPeerCertificate()
// and getCipher() return, and tls.checkServerIdentity.

#include <map>
#include <string>
#include <string_view>

#include "berth/buffer.hpp"
#include "berth/error.hpp"

namespace berth::tls {

/// Node's certificate object (getPeerCertificate()), the fields berth fills, in Node's
/// formats. Empty (`empty()`) when the peer sent no certificate, as Node's `{}`.
struct PeerCertificate {
  /// Distinguished names, short attribute name -> value: {"C": "US", "O": "berth tests",
  /// "CN": "localhost"}. A repeated attribute (an array in Node) keeps its values in
  /// order, separated by '\n'.
  std::map<std::string, std::string> subject{};
  std::map<std::string, std::string> issuer{};
  /// "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1" (Node's format;
  /// IPv6 as eight uppercase hex groups). Empty when the certificate has none.
  std::string subjectaltname{};
  /// "Nov 29 12:33:25 2026 GMT" (OpenSSL's ASN1_TIME_print, as Node).
  std::string valid_from{};
  std::string valid_to{};
  /// SHA-1, SHA-256 and SHA-512 of the DER, uppercase hex bytes joined by ':'.
  std::string fingerprint{};
  std::string fingerprint256{};
  std::string fingerprint512{};
  /// Uppercase hex, two digits a byte: "0A1B2C3D4E5F".
  std::string serialNumber{};
  /// Whether basicConstraints says CA:TRUE.
  bool ca = false;
  /// The DER encoding (Node's `raw`).
  Buffer raw{};

  bool empty() const noexcept { return raw.size() == 0; }
};

/// Node's getCipher(): {name: "TLS_AES_256_GCM_SHA384", standardName:
/// "TLS_AES_256_GCM_SHA384", version: "TLSv1.3"} (OpenSSL's name, the IANA name, and the
/// protocol version that introduced the cipher, e.g. "TLSv1.2" for ECDHE-... suites).
struct Cipher {
  std::string name{};
  std::string standardName{};
  std::string version{};
};

/// Node's tls.checkServerIdentity(hostname, cert): an empty Error when `hostname`
/// matches the certificate, else ERR_TLS_CERT_ALTNAME_INVALID with Node's message,
/// e.g. "Hostname/IP does not match certificate's altnames: Host: other.example. is not
/// in the cert's altnames: DNS:localhost, ..." or "...: IP: 127.0.0.1 is not in the cert's
/// list: " (the IPs, canonical, joined by ", "), and `host` set to the hostname. IP
/// addresses match subjectAltName IP entries only; names match DNS entries (one leading
/// "*" label wildcard, not for a two-label pattern), or the subject's CN when the
/// certificate has no DNS entries; a trailing dot and ASCII case are ignored.
Error checkServerIdentity(std::string_view hostname, const PeerCertificate& cert);

}  // namespace berth::tls
