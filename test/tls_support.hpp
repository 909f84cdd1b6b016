#pragma once
// Test certificates for berth::tls, made at test time with OpenSSL's API (no `openssl`
// program needed): a CA, certificates it signs (a server's for localhost / 127.0.0.1 /
// ::1, an expired one, one for the wrong host, a client's), a self-signed server
// certificate, and a second CA that signs nothing the servers use (the "unknown CA").
// EC P-256 keys: quick to make and to handshake with.
//
// tls_certificates() makes them once per test process into a temporary directory that
// lives until the process exits; write_tls_certificates(dir) writes a fresh set into a
// given directory (what the node probes behind the tests' expectations used).

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace berth::test {

/// One certificate and its key, as PEM text, and the files they were written to.
struct TlsPair {
  std::string cert;       ///< PEM "CERTIFICATE"
  std::string key;        ///< PEM "PRIVATE KEY" (PKCS#8, unencrypted)
  std::string cert_file;
  std::string key_file;
};

/// The whole set. `server_key_encrypted` is server.key under `passphrase` (AES-256-CBC).
struct TlsCertificates {
  std::filesystem::path dir;
  TlsPair ca;          ///< "berth test CA", self-signed, CA:TRUE
  TlsPair other_ca;    ///< "berth other CA": trusted by nobody's servers
  TlsPair server;      ///< CN=localhost, SAN DNS:localhost, IP:127.0.0.1, IP:::1; by ca; serial 0A1B2C3D4E5F
  TlsPair expired;     ///< as server, but valid from 30 days ago to 1 day ago
  TlsPair wrong_host;  ///< CN=wrong.example, SAN DNS:wrong.example; by ca
  TlsPair self_signed; ///< as server's names, self-signed (not by ca)
  TlsPair client;      ///< CN=berth test client, clientAuth; by ca
  std::string server_key_encrypted;
  std::string passphrase = "berth-passphrase";
};

/// An OpenSSL error line (Node's message for a TLS connection's error) with its thread id
/// and source file:line replaced, as test/conformance/run.js does:
/// "<thread>:error:<code>:<library>:<function>:<reason>:<file>:<line>:<data>\n".
inline std::string openssl_line_shape(const std::string& message) {
  static const std::regex thread(R"(^[0-9A-F]{8,16}:error:)");
  static const std::regex place(R"(:[^:]*\.c:\d+:)");
  return std::regex_replace(std::regex_replace(message, thread, "<thread>:error:"), place, ":<file>:<line>:");
}

namespace tls_detail {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
template <class T>
using Owned = std::unique_ptr<T, Free>;

inline void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificates: ") + what + " failed");
}

inline Owned<EVP_PKEY> make_key() {
  Owned<EVP_PKEY> key(EVP_EC_gen("P-256"));
  check(key != nullptr, "EVP_EC_gen");
  return key;
}

inline void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Owned<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  check(ext != nullptr, "X509V3_EXT_conf_nid");
  check(X509_add_ext(cert, ext.get(), -1) == 1, "X509_add_ext");
}

struct CertSpec {
  std::string common_name;
  std::string organization = "berth tests";
  std::uint64_t serial = 1;
  long not_before_seconds = -24 * 3600;  // relative to now
  long not_after_seconds = 365L * 24 * 3600;
  bool is_ca = false;
  std::string subject_alt_name{};  // "DNS:localhost,IP:127.0.0.1"; empty: none
  std::string extended_key_usage{};  // "serverAuth", "clientAuth"; empty: none
};

// Signs with `issuer_key`; `issuer` null means self-signed.
inline Owned<X509> make_cert(const CertSpec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
  Owned<X509> cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  Owned<BIGNUM> serial(BN_new());
  BN_set_word(serial.get(), spec.serial);
  BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), spec.not_before_seconds);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), spec.not_after_seconds);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("US"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.organization.c_str()), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1, -1, 0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  add_extension(cert.get(), signer, NID_basic_constraints, spec.is_ca ? "critical,CA:TRUE" : "CA:FALSE");
  add_extension(cert.get(), signer, NID_key_usage,
                spec.is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,keyEncipherment");
  add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (issuer) add_extension(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
  if (!spec.subject_alt_name.empty())
    add_extension(cert.get(), signer, NID_subject_alt_name, spec.subject_alt_name.c_str());
  if (!spec.extended_key_usage.empty())
    add_extension(cert.get(), signer, NID_ext_key_usage, spec.extended_key_usage.c_str());
  check(X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

inline std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

inline std::string cert_pem(X509* cert) {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
  return bio_text(bio.get());
}

inline std::string key_pem(EVP_PKEY* key, const std::string* passphrase = nullptr) {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  const EVP_CIPHER* cipher = passphrase ? EVP_aes_256_cbc() : nullptr;
  auto* pass = passphrase ? reinterpret_cast<const unsigned char*>(passphrase->data()) : nullptr;
  int pass_len = passphrase ? static_cast<int>(passphrase->size()) : 0;
  check(PEM_write_bio_PrivateKey(bio.get(), key, cipher, pass, pass_len, nullptr, nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  return bio_text(bio.get());
}

// True when reading `pem` back with `passphrase` fails first with "bad decrypt".
inline bool wrong_passphrase_is_bad_decrypt(const std::string& pem, const std::string& passphrase) {
  ERR_clear_error();
  Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  auto callback = [](char* buf, int size, int, void* user) -> int {
    const auto* pass = static_cast<const std::string*>(user);
    if (pass->size() > static_cast<std::size_t>(size)) return -1;
    pass->copy(buf, pass->size());
    return static_cast<int>(pass->size());
  };
  std::string pass = passphrase;
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, callback, &pass);
  unsigned long first = ERR_get_error();
  ERR_clear_error();
  if (key) {
    EVP_PKEY_free(key);
    return false;
  }
  const char* reason = ERR_reason_error_string(first);
  return reason && std::string(reason) == "bad decrypt";
}

// The key under `passphrase`, such that a missing ("") or wrong ("wrong") passphrase fails
// as it nearly always does, at the CBC padding check ("bad decrypt"). About one salt in 256
// decrypts to garbage that happens to end in valid padding, and the DER decoder then fails
// instead ("DECODER routines::unsupported", in Node as here): the tests pin the common case,
// so the fixture encrypts again (a new random salt) until it is that case.
inline std::string encrypted_key_pem(EVP_PKEY* key, const std::string& passphrase) {
  for (int attempt = 0;; ++attempt) {
    std::string pem = key_pem(key, &passphrase);
    if ((wrong_passphrase_is_bad_decrypt(pem, "") && wrong_passphrase_is_bad_decrypt(pem, "wrong")) || attempt == 20)
      return pem;
  }
}

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  check(static_cast<bool>(out), "writing a certificate file");
}

inline TlsPair save(const std::filesystem::path& dir, const std::string& name, X509* cert, EVP_PKEY* key) {
  TlsPair pair{cert_pem(cert), key_pem(key), (dir / (name + ".crt")).string(), (dir / (name + ".key")).string()};
  write_file(pair.cert_file, pair.cert);
  write_file(pair.key_file, pair.key);
  return pair;
}

// Removes the directory when the test process exits.
struct OwnedDir {
  std::filesystem::path path;
  ~OwnedDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

}  // namespace tls_detail

/// Makes a fresh set of test certificates and writes them (name.crt, name.key for ca,
/// other_ca, server, expired, wrong_host, self_signed, client; server_encrypted.key)
/// into `dir`, which must exist.
inline TlsCertificates write_tls_certificates(const std::filesystem::path& dir) {
  using namespace tls_detail;
  TlsCertificates out;
  out.dir = dir;
  const std::string server_names = "DNS:localhost,IP:127.0.0.1,IP:::1";

  auto ca_key = make_key();
  CertSpec ca_spec{.common_name = "berth test CA", .serial = 1, .not_after_seconds = 3650L * 24 * 3600, .is_ca = true};
  auto ca = make_cert(ca_spec, ca_key.get(), nullptr, nullptr);
  out.ca = save(dir, "ca", ca.get(), ca_key.get());

  auto other_key = make_key();
  CertSpec other_spec{.common_name = "berth other CA", .serial = 2, .not_after_seconds = 3650L * 24 * 3600,
                      .is_ca = true};
  auto other = make_cert(other_spec, other_key.get(), nullptr, nullptr);
  out.other_ca = save(dir, "other_ca", other.get(), other_key.get());

  auto server_key = make_key();
  CertSpec server_spec{.common_name = "localhost", .serial = 0x0A1B2C3D4E5FULL, .subject_alt_name = server_names,
                       .extended_key_usage = "serverAuth"};
  auto server = make_cert(server_spec, server_key.get(), ca.get(), ca_key.get());
  out.server = save(dir, "server", server.get(), server_key.get());
  out.server_key_encrypted = encrypted_key_pem(server_key.get(), out.passphrase);
  write_file(dir / "server_encrypted.key", out.server_key_encrypted);

  auto expired_key = make_key();
  CertSpec expired_spec{.common_name = "localhost", .serial = 0x1002, .not_before_seconds = -30L * 24 * 3600,
                        .not_after_seconds = -24 * 3600, .subject_alt_name = server_names,
                        .extended_key_usage = "serverAuth"};
  auto expired = make_cert(expired_spec, expired_key.get(), ca.get(), ca_key.get());
  out.expired = save(dir, "expired", expired.get(), expired_key.get());

  auto wrong_key = make_key();
  CertSpec wrong_spec{.common_name = "wrong.example", .serial = 0x1003, .subject_alt_name = "DNS:wrong.example",
                      .extended_key_usage = "serverAuth"};
  auto wrong = make_cert(wrong_spec, wrong_key.get(), ca.get(), ca_key.get());
  out.wrong_host = save(dir, "wrong_host", wrong.get(), wrong_key.get());

  auto self_key = make_key();
  CertSpec self_spec{.common_name = "localhost", .serial = 0x1004, .subject_alt_name = server_names,
                     .extended_key_usage = "serverAuth"};
  auto self = make_cert(self_spec, self_key.get(), nullptr, nullptr);
  out.self_signed = save(dir, "self_signed", self.get(), self_key.get());

  auto client_key = make_key();
  CertSpec client_spec{.common_name = "berth test client", .serial = 0x1005, .extended_key_usage = "clientAuth"};
  auto client = make_cert(client_spec, client_key.get(), ca.get(), ca_key.get());
  out.client = save(dir, "client", client.get(), client_key.get());
  return out;
}

/// The test process's certificates: made on first use into a temporary directory,
/// which is removed when the process exits.
inline const TlsCertificates& tls_certificates() {
  static tls_detail::OwnedDir dir = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "berth-tls-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    return tls_detail::OwnedDir{tmpl};
  }();
  static const TlsCertificates certificates = write_tls_certificates(dir.path);
  return certificates;
}

}  // namespace berth::test
