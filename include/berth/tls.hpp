#pragma once
// berth::tls, the coroutine core: SecureContext (tls.createSecureContext), tls::Stream
// (handshake, read_some, write, shutdown) and tls::connect.

#include "berth/tls/connect.hpp"
#include "berth/tls/peer_certificate.hpp"
#include "berth/tls/secure_context.hpp"
#include "berth/tls/stream.hpp"
// The event layer: tls::TLSSocket and tls::connect (Node's tls.connect), tls::Server and
// tls::createServer.
#include "berth/tls/server.hpp"
#include "berth/tls/socket.hpp"
