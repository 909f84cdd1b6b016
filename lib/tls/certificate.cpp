#include "certificate.hpp"

#include <arpa/inet.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>
#include <vector>

#include "berth/is_ip.hpp"

namespace berth::tls {
namespace detail {
namespace {

std::map<std::string, std::string> name_map(X509_NAME* name) {
  std::map<std::string, std::string> out;
  if (!name) return out;
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, i);
    ASN1_OBJECT* object = X509_NAME_ENTRY_get_object(entry);
    int nid = OBJ_obj2nid(object);
    std::string key;
    if (nid != NID_undef) {
      key = OBJ_nid2sn(nid);
    } else {
      char oid[128];
      OBJ_obj2txt(oid, sizeof oid, object, 1);
      key = oid;
    }
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(entry));
    std::string value = n >= 0 ? std::string(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n)) : "";
    OPENSSL_free(utf8);
    auto [at, inserted] = out.emplace(key, value);
    if (!inserted) at->second += "\n" + value;
  }
  return out;
}

std::string hex_digest(X509* cert, const EVP_MD* md) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (X509_digest(cert, md, digest, &n) != 1) return {};
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    if (i) out += ':';
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::string time_text(const ASN1_TIME* time) {
  BIO* bio = BIO_new(BIO_s_mem());
  ASN1_TIME_print(bio, time);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

// Node prints a name as is when it is plain, else as a JSON string.
std::string alt_name(const char* prefix, const ASN1_STRING* value) {
  std::string text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                   static_cast<std::size_t>(ASN1_STRING_length(value)));
  bool plain = true;
  for (unsigned char c : text)
    if (c < 0x20 || c > 0x7e || c == ',' || c == '"' || c == '\\') plain = false;
  if (plain) return prefix + text;
  std::string quoted = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += static_cast<char>(c);
    } else if (c < 0x20 || c > 0x7e) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      quoted += escaped;
    } else {
      quoted += static_cast<char>(c);
    }
  }
  return prefix + quoted + "\"";
}

std::string subject_alt_names(X509* cert) {
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (!names) return {};
  std::string out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    std::string item;
    switch (name->type) {
      case GEN_DNS:
        item = alt_name("DNS:", name->d.dNSName);
        break;
      case GEN_EMAIL:
        item = alt_name("email:", name->d.rfc822Name);
        break;
      case GEN_URI:
        item = alt_name("URI:", name->d.uniformResourceIdentifier);
        break;
      case GEN_IPADD: {
        const unsigned char* b = ASN1_STRING_get0_data(name->d.iPAddress);
        int n = ASN1_STRING_length(name->d.iPAddress);
        char text[64];
        if (n == 4) {
          std::snprintf(text, sizeof text, "IP Address:%d.%d.%d.%d", b[0], b[1], b[2], b[3]);
          item = text;
        } else if (n == 16) {
          item = "IP Address:";
          for (int j = 0; j < 8; ++j) {
            std::snprintf(text, sizeof text, j == 0 ? "%X" : ":%X", (b[2 * j] << 8) | b[2 * j + 1]);
            item += text;
          }
        } else {
          item = "IP Address:<invalid>";
        }
        break;
      }
      default:
        continue;  // othername, DirName, ...: not printed by berth
    }
    if (!out.empty()) out += ", ";
    out += item;
  }
  GENERAL_NAMES_free(names);
  return out;
}

}  // namespace

PeerCertificate to_peer_certificate(X509* cert) {
  PeerCertificate out;
  if (!cert) return out;
  out.subject = name_map(X509_get_subject_name(cert));
  out.issuer = name_map(X509_get_issuer_name(cert));
  out.subjectaltname = subject_alt_names(cert);
  out.valid_from = time_text(X509_get0_notBefore(cert));
  out.valid_to = time_text(X509_get0_notAfter(cert));
  out.fingerprint = hex_digest(cert, EVP_sha1());
  out.fingerprint256 = hex_digest(cert, EVP_sha256());
  out.fingerprint512 = hex_digest(cert, EVP_sha512());
  if (BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)) {
    char* hex = BN_bn2hex(serial);
    out.serialNumber = hex ? hex : "";
    OPENSSL_free(hex);
    BN_free(serial);
  }
  out.ca = X509_check_ca(cert) != 0;
  int n = i2d_X509(cert, nullptr);
  if (n > 0) {
    std::vector<std::uint8_t> der(static_cast<std::size_t>(n));
    unsigned char* p = der.data();
    i2d_X509(cert, &p);
    out.raw = Buffer(std::move(der));
  }
  return out;
}

}  // namespace detail

namespace {

// Node's canonicalizeIP: the address as inet_ntop writes it.
std::string canonical_ip(const std::string& text) {
  unsigned char bytes[16];
  char out[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1) return inet_ntop(AF_INET, bytes, out, sizeof out);
  if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) return inet_ntop(AF_INET6, bytes, out, sizeof out);
  return text;
}

std::string unfqdn(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return std::string(host);
}

std::vector<std::string> split_host(std::string_view host) {
  std::string lowered = unfqdn(host);
  for (char& c : lowered)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = lowered.find('.', start);
    parts.push_back(lowered.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

// Node's check(hostParts, pattern, wildcards) in lib/tls.js, wildcards on.
bool matches(const std::vector<std::string>& host_parts, std::string_view pattern) {
  if (pattern.empty()) return false;
  std::vector<std::string> pattern_parts = split_host(pattern);
  if (host_parts.size() != pattern_parts.size()) return false;
  for (const std::string& part : pattern_parts) {
    if (part.empty()) return false;
    for (unsigned char c : part)
      if (c < 0x21 || c > 0x7f) return false;
  }
  for (std::size_t i = host_parts.size() - 1; i > 0; --i)
    if (host_parts[i] != pattern_parts[i]) return false;
  const std::string& host_sub = host_parts[0];
  const std::string& pattern_sub = pattern_parts[0];
  std::size_t star = pattern_sub.find('*');
  if (star == std::string::npos || pattern_sub.find("xn--") != std::string::npos) return host_sub == pattern_sub;
  if (pattern_sub.find('*', star + 1) != std::string::npos) return false;  // more than one wildcard
  if (pattern_parts.size() <= 2) return false;                             // *.tld
  std::string prefix = pattern_sub.substr(0, star);
  std::string suffix = pattern_sub.substr(star + 1);
  if (prefix.size() + suffix.size() > host_sub.size()) return false;
  return host_sub.compare(0, prefix.size(), prefix) == 0 &&
         host_sub.compare(host_sub.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

Error checkServerIdentity(std::string_view hostname_in, const PeerCertificate& cert) {
  const std::string& alt_names = cert.subjectaltname;
  std::vector<std::string> dns_names;
  std::vector<std::string> ips;
  if (!alt_names.empty()) {
    std::size_t start = 0;
    while (start <= alt_names.size()) {
      std::size_t end = alt_names.find(", ", start);
      if (end == std::string::npos) end = alt_names.size();
      std::string name = alt_names.substr(start, end - start);
      if (name.rfind("DNS:", 0) == 0) dns_names.push_back(name.substr(4));
      else if (name.rfind("IP Address:", 0) == 0) ips.push_back(canonical_ip(name.substr(11)));
      start = end + 2;
    }
  }
  std::string hostname = unfqdn(hostname_in);
  bool valid = false;
  std::string reason = "Unknown reason";
  auto cn = cert.subject.find("CN");
  if (net::isIP(hostname)) {
    std::string canonical = canonical_ip(hostname);
    for (const std::string& ip : ips) valid = valid || ip == canonical;
    if (!valid) {
      reason = "IP: " + hostname + " is not in the cert's list: ";
      for (std::size_t i = 0; i < ips.size(); ++i) reason += (i ? ", " : "") + ips[i];
    }
  } else if (!dns_names.empty() || (cn != cert.subject.end() && !cn->second.empty())) {
    std::vector<std::string> host_parts = split_host(hostname);
    if (!dns_names.empty()) {
      for (const std::string& name : dns_names) valid = valid || matches(host_parts, name);
      if (!valid) reason = "Host: " + hostname + ". is not in the cert's altnames: " + alt_names;
    } else {
      // Only when there are no DNS names: the CN (each of several).
      std::string cns = cn->second;
      std::size_t start = 0;
      while (!valid && start <= cns.size()) {
        std::size_t end = cns.find('\n', start);
        if (end == std::string::npos) end = cns.size();
        valid = matches(host_parts, cns.substr(start, end - start));
        start = end + 1;
      }
      if (!valid) reason = "Host: " + hostname + ". is not cert's CN: " + cns;
    }
  } else {
    reason = "Cert does not contain a DNS name";
  }
  if (valid) return Error{};
  Error error("ERR_TLS_CERT_ALTNAME_INVALID", "Hostname/IP does not match certificate's altnames: " + reason);
  error.host = hostname;
  return error;
}

}  // namespace berth::tls
