#pragma once
// berth::tls::connect: berth::connect, then a client handshake (the coroutine form of
// Node's tls.connect).

#include "berth/detail/coroutines.hpp"  // first: stops a build without coroutines, in words
#include <asio/awaitable.hpp>

#include "berth/connect.hpp"
#include "berth/tls/secure_context.hpp"
#include "berth/tls/stream.hpp"

namespace berth::tls {

/// Where to connect (berth::ConnectOptions: port, host, path, family, timeouts of the
/// TCP connect...) and how to handshake. Not an aggregate, so that a temporary in a
/// co_await statement is safe on g++ 12 (see the README's Compiler notes).
struct ConnectOptions {
  ConnectOptions(berth::ConnectOptions connect, SecureContext context, HandshakeOptions handshake = {})
      : connect(std::move(connect)), context(std::move(context)), handshake(std::move(handshake)) {}
  berth::ConnectOptions connect;
  SecureContext context;
  /// servername, session; `handshake.host` defaults to connect.host, as in Node.
  HandshakeOptions handshake;
};

/// Connects (berth::connect, with its errors) and runs the client handshake
/// (tls::Stream::handshake, with its errors; the socket is closed on failure).
asio::awaitable<Stream> connect(const ConnectOptions& options);
asio::awaitable<Stream> connect(const ConnectOptions& options, Error& error);

}  // namespace berth::tls
