#include "berth/tls/server.hpp"

namespace berth::tls {

namespace {
SecureContext server_context(const ServerOptions& options) {
  if (options.secureContext) return *options.secureContext;
  return SecureContext(static_cast<const SecureContextOptions&>(options));
}
// Node's addContext pattern: the name itself, but `*` stands for [^.]* (any run of
// characters without a dot), anchored at both ends.
bool matches_server_name(std::string_view pattern, std::string_view name) {
  if (pattern.empty()) return name.empty();
  if (pattern.front() != '*') {
    return !name.empty() && name.front() == pattern.front() && matches_server_name(pattern.substr(1), name.substr(1));
  }
  for (std::size_t n = 0;; ++n) {
    if (matches_server_name(pattern.substr(1), name.substr(n))) return true;
    if (n == name.size() || name[n] == '.') return false;
  }
}

// Node checks the name before it builds the context.
void require_server_name(std::string_view hostname) {
  if (hostname.empty())
    throw Error("ERR_TLS_REQUIRED_SERVER_NAME", "\"servername\" is required parameter for Server.addContext");
}
}  // namespace

void Server::addContext(std::string_view hostname, SecureContext context) {
  require_server_name(hostname);
  auto contexts = std::make_shared<NamedContexts>(named_contexts_ ? *named_contexts_ : NamedContexts{});
  contexts->emplace_back(std::string(hostname), std::move(context));
  named_contexts_ = std::move(contexts);
}

void Server::addContext(std::string_view hostname, const SecureContextOptions& options) {
  require_server_name(hostname);
  addContext(hostname, SecureContext(options));
}

void Server::setSecureContext(const SecureContextOptions& options) { context_ = SecureContext(options); }

SNICallbackFunction Server::connectionSNICallback() const {
  if (sni_callback_ || !named_contexts_) return sni_callback_;
  // Node's default SNICallback: the latest added context whose pattern matches.
  return [contexts = named_contexts_](const std::string& servername, SNIDone done) {
    for (auto it = contexts->rbegin(); it != contexts->rend(); ++it) {
      if (matches_server_name(it->first, servername)) {
        done(Error{}, it->second);
        return;
      }
    }
    done(Error{}, std::nullopt);
  };
}

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
