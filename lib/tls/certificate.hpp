#pragma once
// X509 -> PeerCertificate, in Node's formats.

#include <openssl/x509.h>

#include "berth/tls/peer_certificate.hpp"

namespace berth::tls::detail {

/// Node's getPeerCertificate() fields of `cert` (empty for nullptr).
PeerCertificate to_peer_certificate(X509* cert);

}  // namespace berth::tls::detail
