#include "berth/acceptor.hpp"

#include <cerrno>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <asio/ip/v6_only.hpp>
#include <asio/redirect_error.hpp>
#include <asio/use_awaitable.hpp>

#include "log.hpp"

namespace berth {

Acceptor::Acceptor(const asio::any_io_executor& executor)
    : acceptor_(executor), handle_ref_(executor) {}

Acceptor::Acceptor(Acceptor&&) noexcept = default;

Acceptor& Acceptor::operator=(Acceptor&& other) noexcept {
  if (this != &other) {
    close();
    acceptor_ = std::move(other.acceptor_);
    handle_ref_ = std::move(other.handle_ref_);
    unlink_path_ = std::move(other.unlink_path_);
    path_address_ = std::move(other.path_address_);
    other.unlink_path_.clear();
  }
  return *this;
}

Acceptor::~Acceptor() { close(); }

void Acceptor::listen(const ListenOptions& options) {
  Error error;
  listen(options, error);
  if (error) throw error;
}

void Acceptor::listen(const ListenOptions& options, Error& error) {
  error = {};
  if (acceptor_.is_open()) {
    error = Error("ERR_SERVER_ALREADY_LISTEN",
                  "Listen method has been called more than once without closing.");
    return;
  }
  if (options.fd) listen_fd(options, error);
  else if (options.path) listen_path(options, error);
  else listen_ip(options, options.host.value_or(""), error);
  if (!error) {
    handle_ref_.activate();
    BERTH_DEBUG_NET("listen on {}", address() ? address()->address : std::string("?"));
  }
}

bool Acceptor::bind_and_listen(const Endpoint& endpoint, const ListenOptions& options,
                               std::error_code& ec) {
  auto protocol = protocol_of(endpoint);
  acceptor_.open(protocol, ec);
  if (ec) return false;
  set_close_on_exec(acceptor_.native_handle());
  int family = protocol.family();
  if (family != AF_UNIX) {
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (family == AF_INET6) acceptor_.set_option(asio::ip::v6_only(options.ipv6Only), ec);
    if (options.reusePort) {
      int on = 1;
      ::setsockopt(acceptor_.native_handle(), SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
    }
  }
  acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(options.backlog > 0 ? options.backlog : 511, ec);
  if (ec) {
    std::error_code ignored;
    acceptor_.close(ignored);
    return false;
  }
  return true;
}

void Acceptor::listen_ip(const ListenOptions& options, const std::string& host, Error& error) {
  std::error_code ec;
  if (host.empty()) {
    // Node binds the IPv6 wildcard (dual-stack) and retries on IPv4 when that fails
    // for any reason but the port being taken.
    if (bind_and_listen(make_ip_endpoint("::", options.port), options, ec)) return;
    if (ec == asio::error::address_in_use) {
      error = Error::from_system_described(ec, "listen", "::", options.port);
      return;
    }
    ec.clear();
    if (bind_and_listen(make_ip_endpoint("0.0.0.0", options.port), options, ec)) return;
    error = Error::from_system_described(ec, "listen", "0.0.0.0", options.port);
    return;
  }
  Endpoint endpoint;
  try {
    endpoint = make_ip_endpoint(host, options.port);
  } catch (const Error& e) {
    error = e;
    return;
  }
  if (!bind_and_listen(endpoint, options, ec))
    error = Error::from_system_described(ec, "listen", host, options.port);
}

void Acceptor::listen_path(const ListenOptions& options, Error& error) {
  const std::string& path = *options.path;
  Endpoint endpoint;
  try {
    endpoint = make_unix_endpoint(path, "listen");
  } catch (const Error& e) {
    error = e;
    return;
  }
  std::error_code ec;
  if (!bind_and_listen(endpoint, options, ec)) {
    // libuv reports a missing directory as EACCES, for compatibility with Windows.
    if (ec == asio::error::not_found || ec.value() == ENOENT) ec = asio::error::access_denied;
    error = Error::from_system_described(ec, "listen", path, -1);
    return;
  }
  bool abstract = !path.empty() && path[0] == '\0';
  if (!abstract) {
    unlink_path_ = path;
    if (options.readableAll || options.writableAll) {
      // libuv's uv_pipe_chmod: add the bits for user, group and others.
      struct stat st{};
      if (::stat(path.c_str(), &st) == 0) {
        mode_t mode = st.st_mode;
        if (options.readableAll) mode |= S_IRUSR | S_IRGRP | S_IROTH;
        if (options.writableAll) mode |= S_IWUSR | S_IWGRP | S_IWOTH;
        ::chmod(path.c_str(), mode);
      }
    }
  }
  path_address_ = AddressInfo{path, "", 0};
}

void Acceptor::listen_fd(const ListenOptions& options, Error& error) {
  int fd = *options.fd;
  // Node listens only on a descriptor that is a TCP or Unix stream socket (its
  // guessHandleType); anything else (a file, a datagram socket, a closed or negative
  // descriptor) fails with `listen EINVAL: invalid argument`.
  sockaddr_storage storage{};
  socklen_t len = sizeof storage;
  int type = 0;
  socklen_t type_len = sizeof type;
  bool stream_socket = fd >= 0 && ::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_len) == 0 &&
                       type == SOCK_STREAM &&
                       ::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &len) == 0;
  int family = storage.ss_family;
  if (!stream_socket || (family != AF_INET && family != AF_INET6 && family != AF_UNIX)) {
    error = Error::from_system_described(std::make_error_code(std::errc::invalid_argument), "listen");
    return;
  }
  std::error_code ec;
  acceptor_.assign(asio::generic::stream_protocol(family, family == AF_UNIX ? 0 : IPPROTO_TCP), fd, ec);
  if (!ec) acceptor_.listen(options.backlog > 0 ? options.backlog : 511, ec);
  if (ec) {
    error = Error::from_system_described(ec, "listen");
    std::error_code ignored;
    acceptor_.release(ignored);
    return;
  }
  if (family == AF_UNIX) path_address_ = to_address_info(acceptor_.local_endpoint(ec));
}

asio::awaitable<Stream> Acceptor::accept() {
  Error error;
  Stream stream = co_await accept(error);
  if (error) throw error;
  co_return stream;
}

asio::awaitable<Stream> Acceptor::accept(Error& error) {
  std::error_code ec;
  auto socket = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
  error = ec ? Error::from_system(ec, "accept") : Error{};
  co_return Stream(std::move(socket));
}

void Acceptor::close() noexcept {
  std::error_code ec;
  if (acceptor_.is_open()) acceptor_.close(ec);
  handle_ref_.deactivate();
  if (!unlink_path_.empty()) {
    ::unlink(unlink_path_.c_str());
    unlink_path_.clear();
  }
  path_address_.reset();
}

std::optional<AddressInfo> Acceptor::address() const {
  if (!acceptor_.is_open()) return std::nullopt;
  if (path_address_) return path_address_;
  std::error_code ec;
  auto ep = acceptor_.local_endpoint(ec);
  if (ec) return std::nullopt;
  return to_address_info(ep);
}

}  // namespace berth
