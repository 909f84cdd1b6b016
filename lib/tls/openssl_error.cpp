#include "openssl_error.hpp"

#include <asio/ssl/error.hpp>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include <fmt/format.h>
#include <openssl/crypto.h>

#include <cctype>

namespace berth::tls::detail {

std::string openssl_error_code(unsigned long packed) {
  const char* reason = ERR_reason_error_string(packed);
  std::string text = reason ? reason : "";
  // Node turns the reason text into a code: spaces to '_', letters to upper case.
  for (char& c : text) {
    if (c == ' ') c = '_';
    else c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  const char* lib = "";
  switch (ERR_GET_LIB(packed)) {
#define BERTH_OSSL_LIB(name) \
  case ERR_LIB_##name:      \
    lib = #name "_";        \
    break;
    BERTH_OSSL_LIB(SYS) BERTH_OSSL_LIB(BN) BERTH_OSSL_LIB(RSA) BERTH_OSSL_LIB(DH) BERTH_OSSL_LIB(EVP)
    BERTH_OSSL_LIB(BUF) BERTH_OSSL_LIB(OBJ) BERTH_OSSL_LIB(PEM) BERTH_OSSL_LIB(DSA) BERTH_OSSL_LIB(X509)
    BERTH_OSSL_LIB(ASN1) BERTH_OSSL_LIB(CONF) BERTH_OSSL_LIB(CRYPTO) BERTH_OSSL_LIB(EC) BERTH_OSSL_LIB(SSL)
    BERTH_OSSL_LIB(BIO) BERTH_OSSL_LIB(PKCS7) BERTH_OSSL_LIB(X509V3) BERTH_OSSL_LIB(PKCS12)
    BERTH_OSSL_LIB(RAND) BERTH_OSSL_LIB(DSO) BERTH_OSSL_LIB(ENGINE) BERTH_OSSL_LIB(OCSP) BERTH_OSSL_LIB(UI)
    BERTH_OSSL_LIB(COMP) BERTH_OSSL_LIB(ECDSA) BERTH_OSSL_LIB(ECDH) BERTH_OSSL_LIB(OSSL_STORE)
    BERTH_OSSL_LIB(FIPS) BERTH_OSSL_LIB(CMS) BERTH_OSSL_LIB(TS) BERTH_OSSL_LIB(HMAC) BERTH_OSSL_LIB(CT)
    BERTH_OSSL_LIB(ASYNC) BERTH_OSSL_LIB(KDF) BERTH_OSSL_LIB(SM2) BERTH_OSSL_LIB(USER)
#undef BERTH_OSSL_LIB
    default:
      break;
  }
  // As Node: never "ERR_OSSL_SSL_".
  std::string prefix = std::string(lib) == "SSL_" ? "ERR_" : "ERR_OSSL_";
  return prefix + lib + text;
}

Error openssl_error(unsigned long packed) {
  char text[256];
  ERR_error_string_n(packed, text, sizeof text);
  return openssl_error(packed, text);
}

Error openssl_error(unsigned long packed, std::string message) {
  Error error(openssl_error_code(packed), std::move(message));
  error.ec = std::error_code(static_cast<int>(packed), asio::error::get_ssl_category());
  return error;
}

QueuedError peek_queued_error() {
  const char* file = nullptr;
  const char* function = nullptr;
  const char* data = nullptr;
  int line = 0;
  int flags = 0;
  QueuedError out;
  out.packed = ERR_peek_error_all(&file, &line, &function, &data, &flags);
  if (out.packed == 0) return out;
  // ERR_print_errors_cb's format: the thread id's bytes in hex, then
  // "error:%08lX:lib:func:reason" and ":file:line:data\n".
  CRYPTO_THREAD_ID thread = CRYPTO_THREAD_get_current_id();
  const auto* bytes = reinterpret_cast<const unsigned char*>(&thread);
  for (std::size_t i = 0; i < sizeof thread; ++i) out.line += fmt::format("{:02X}", bytes[i]);
  const char* library = ERR_lib_error_string(out.packed);
  const char* reason = ERR_reason_error_string(out.packed);
  out.line += fmt::format(":error:{:08X}:{}:{}:{}:{}:{}:{}\n", out.packed,
                          library ? std::string(library) : fmt::format("lib({})", ERR_GET_LIB(out.packed)),
                          function ? function : "",
                          reason ? std::string(reason) : fmt::format("reason({})", ERR_GET_REASON(out.packed)),
                          file ? file : "", line, (flags & ERR_TXT_STRING) && data ? data : "");
  return out;
}

Error take_openssl_error(const char* fallback_code, const char* fallback_message) {
  unsigned long packed = ERR_get_error();
  ERR_clear_error();
  if (packed == 0) return Error(fallback_code, fallback_message);
  return openssl_error(packed);
}

const char* x509_error_code(long verify_result) {
  switch (verify_result) {
#define BERTH_X509_ERR(name) \
  case X509_V_ERR_##name:   \
    return #name;
    BERTH_X509_ERR(UNABLE_TO_GET_ISSUER_CERT)
    BERTH_X509_ERR(UNABLE_TO_GET_CRL)
    BERTH_X509_ERR(UNABLE_TO_DECRYPT_CERT_SIGNATURE)
    BERTH_X509_ERR(UNABLE_TO_DECRYPT_CRL_SIGNATURE)
    BERTH_X509_ERR(UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY)
    BERTH_X509_ERR(CERT_SIGNATURE_FAILURE)
    BERTH_X509_ERR(CRL_SIGNATURE_FAILURE)
    BERTH_X509_ERR(CERT_NOT_YET_VALID)
    BERTH_X509_ERR(CERT_HAS_EXPIRED)
    BERTH_X509_ERR(CRL_NOT_YET_VALID)
    BERTH_X509_ERR(CRL_HAS_EXPIRED)
    BERTH_X509_ERR(ERROR_IN_CERT_NOT_BEFORE_FIELD)
    BERTH_X509_ERR(ERROR_IN_CERT_NOT_AFTER_FIELD)
    BERTH_X509_ERR(ERROR_IN_CRL_LAST_UPDATE_FIELD)
    BERTH_X509_ERR(ERROR_IN_CRL_NEXT_UPDATE_FIELD)
    BERTH_X509_ERR(OUT_OF_MEM)
    BERTH_X509_ERR(DEPTH_ZERO_SELF_SIGNED_CERT)
    BERTH_X509_ERR(SELF_SIGNED_CERT_IN_CHAIN)
    BERTH_X509_ERR(UNABLE_TO_GET_ISSUER_CERT_LOCALLY)
    BERTH_X509_ERR(UNABLE_TO_VERIFY_LEAF_SIGNATURE)
    BERTH_X509_ERR(CERT_CHAIN_TOO_LONG)
    BERTH_X509_ERR(CERT_REVOKED)
    BERTH_X509_ERR(INVALID_CA)
    BERTH_X509_ERR(PATH_LENGTH_EXCEEDED)
    BERTH_X509_ERR(INVALID_PURPOSE)
    BERTH_X509_ERR(CERT_UNTRUSTED)
    BERTH_X509_ERR(CERT_REJECTED)
    BERTH_X509_ERR(HOSTNAME_MISMATCH)
#undef BERTH_X509_ERR
    default:
      return "UNSPECIFIED";
  }
}

Error x509_error(long verify_result) {
  return Error(x509_error_code(verify_result), X509_verify_cert_error_string(verify_result));
}

bool is_openssl_error(const std::error_code& ec) { return ec.category() == asio::error::get_ssl_category(); }

}  // namespace berth::tls::detail
