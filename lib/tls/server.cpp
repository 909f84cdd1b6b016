#include "berth/tls/server.hpp"

namespace berth::tls {

namespace {
SecureContext server_context(const ServerOptions& options) {
  if (options.secureContext) return *options.secureContext;
  return SecureContext(static_cast<const SecureContextOptions&>(options));
}
}  // namespace

Server::Server(TlsTag, Loop& loop, ServerOptions options, SecureContext context)
    : net::Server(net::Server::PrivateTag{}, loop, static_cast<const net::ServerOptions&>(options)),
      context_(std::move(context)),
      handshake_timeout_(options.handshakeTimeout),
      sni_callback_(std::move(options.SNICallback)) {}

std::shared_ptr<Server> Server::create(ServerOptions options, SecureConnectionListener listener, Loop& loop) {
  SecureContext context = server_context(options);
  auto server = std::make_shared<Server>(TlsTag{}, loop, std::move(options), std::move(context));
  server->live_.link(loop.context(), server);
  if (listener) server->on(events::secureConnection, std::move(listener));
  return server;
}

net::SocketPtr Server::make_socket(berth::Stream stream, const net::SocketOptions& options) {
  return TLSSocket::accept(std::move(stream), std::static_pointer_cast<Server>(shared_from_this()), options, context_,
                           handshake_timeout_, loop());
}

ServerPtr createServer(ServerOptions options, SecureConnectionListener listener) {
  return Server::create(std::move(options), std::move(listener));
}

}  // namespace berth::tls
