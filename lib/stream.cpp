#include "berth/stream.hpp"

#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <asio/read.hpp>

#include "log.hpp"

namespace berth {

void set_close_on_exec(int fd) noexcept {
  int flags = ::fcntl(fd, F_GETFD);
  if (flags >= 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

namespace detail {

Error read_limit_error(std::size_t max_size) {
  Error error("ENOBUFS", "read ENOBUFS: no delimiter in the first " + std::to_string(max_size) +
                             " bytes (the read's max_size)");
  error.errnum = -ENOBUFS;
  error.syscall = "read";
  error.ec = asio::error::not_found;
  return error;
}

Error empty_delimiter_error() {
  return Error("ERR_INVALID_ARG_VALUE", "The argument 'delimiter' must not be empty. Received ''",
               ErrorKind::TypeError);
}

Error end_of_stream_error(std::size_t got, std::size_t wanted) {
  return Error("EOF", "end of stream after " + std::to_string(got) + " of " + std::to_string(wanted) + " bytes");
}

}  // namespace detail

Stream::Stream(const asio::any_io_executor& executor) : socket_(executor), handle_ref_(executor) {}

Stream::Stream(socket_type&& socket)
    : socket_(std::move(socket)), handle_ref_(socket_.get_executor()) {
  if (socket_.is_open()) set_close_on_exec(socket_.native_handle());
}

Stream Stream::adopt(const asio::any_io_executor& executor, int fd) {
  sockaddr_storage storage{};
  socklen_t len = sizeof storage;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &len) != 0)
    throw Error::from_system(std::error_code(errno, std::system_category()), "getsockname");
  int family = storage.ss_family;
  socket_type socket(executor);
  std::error_code ec;
  socket.assign(protocol_type(family, family == AF_UNIX ? 0 : IPPROTO_TCP), fd, ec);
  if (ec) throw Error::from_system(ec, "open");
  return Stream(std::move(socket));
}

asio::awaitable<std::size_t> Stream::read_some(asio::mutable_buffer buffer) {
  Error error;
  std::size_t n = co_await read_some(buffer, error);
  if (error) throw error;
  co_return n;
}

asio::awaitable<std::size_t> Stream::read_some(asio::mutable_buffer buffer, Error& error) {
  if (at_end_ && buffer.size() > 0) {
    if (error) error = Error{};
    co_return 0;
  }
  HandleRef::Activity reading(handle_ref_);
  std::error_code ec;
  std::size_t n = co_await socket_.async_read_some(buffer, asio::redirect_error(asio::use_awaitable, ec));
  if (ec == asio::error::eof) {
    at_end_ = true;
    ec.clear();
  }
  set_error(error, ec, "read");
  co_return n;
}

asio::awaitable<std::size_t> Stream::read_exactly(asio::mutable_buffer buffer) {
  Error error;
  std::size_t n = co_await read_exactly(buffer, error);
  if (error) throw error;
  co_return n;
}

asio::awaitable<std::size_t> Stream::read_exactly(asio::mutable_buffer buffer, Error& error) {
  if (at_end_ && buffer.size() > 0) {
    error = detail::end_of_stream_error(0, buffer.size());
    error.ec = asio::error::eof;
    co_return 0;
  }
  HandleRef::Activity reading(handle_ref_);
  std::error_code ec;
  std::size_t n = co_await asio::async_read(socket_, buffer, asio::redirect_error(asio::use_awaitable, ec));
  if (ec == asio::error::eof) {
    at_end_ = true;
    error = detail::end_of_stream_error(n, buffer.size());
    error.ec = ec;
  } else {
    set_error(error, ec, "read");
  }
  co_return n;
}

asio::awaitable<void> Stream::wait_readable() {
  Error error;
  co_await wait_readable(error);
  if (error) throw error;
}

asio::awaitable<void> Stream::wait_readable(Error& error) {
  std::error_code ec;
  co_await wait_readable(ec);
  set_error(error, ec, "read");
}

std::size_t Stream::try_read(asio::mutable_buffer buffer, Error& error, bool& would_block, bool& eof) {
  std::error_code ec;
  std::size_t n = try_read(buffer, ec, would_block, eof);
  set_error(error, ec, "read");
  return n;
}

std::size_t Stream::try_read(asio::mutable_buffer buffer, std::error_code& ec, bool& would_block, bool& eof) {
  ec.clear();
  would_block = false;
  eof = false;
  if (!socket_.non_blocking()) socket_.non_blocking(true, ec);  // one ioctl, not one per call
  std::size_t n = socket_.read_some(buffer, ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) {
    would_block = true;
    ec.clear();
  } else if (ec == asio::error::eof) {
    eof = true;
    at_end_ = true;
    ec.clear();
  }
  return n;
}

void Stream::shutdown_write() {
  Error error;
  shutdown_write(error);
  if (error) throw error;
}

void Stream::shutdown_write(Error& error) {
  std::error_code ec;
  socket_.shutdown(socket_type::shutdown_send, ec);
  set_error(error, ec, "shutdown");
}

void Stream::close() noexcept {
  std::error_code ec;
  socket_.close(ec);
  handle_ref_.deactivate();
}

void Stream::reset() noexcept {
  std::error_code ec;
  if (socket_.is_open()) {
    ::linger lg{1, 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  }
  close();
  (void)ec;
}

void Stream::cancel() noexcept {
  std::error_code ec;
  socket_.cancel(ec);
}

std::optional<AddressInfo> Stream::local_address() const {
  std::error_code ec;
  auto ep = socket_.local_endpoint(ec);
  if (ec) return std::nullopt;
  return to_address_info(ep);
}

std::optional<AddressInfo> Stream::remote_address() const {
  std::error_code ec;
  auto ep = socket_.remote_endpoint(ec);
  if (ec) return std::nullopt;
  return to_address_info(ep);
}

bool Stream::reset_by_peer() const noexcept {
  if (!is_tcp()) return false;
  tcp_info info{};
  socklen_t len = sizeof info;
  int fd = const_cast<socket_type&>(socket_).native_handle();
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) return false;
  return info.tcpi_state == TCP_CLOSE;
}

bool Stream::is_tcp() const noexcept {
  if (!socket_.is_open()) return false;
  std::error_code ec;
  auto endpoint = socket_.local_endpoint(ec);
  if (ec) return false;
  int family = endpoint.data()->sa_family;
  return family == AF_INET || family == AF_INET6;
}

void Stream::set_no_delay(bool enable) noexcept {
  if (!is_tcp()) return;
  int v = enable ? 1 : 0;
  ::setsockopt(socket_.native_handle(), IPPROTO_TCP, TCP_NODELAY, &v, sizeof v);
}

void Stream::set_keep_alive(bool enable, unsigned initial_delay_seconds) noexcept {
  if (!is_tcp()) return;
  int fd = socket_.native_handle();
  int on = enable ? 1 : 0;
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  if (!enable) return;
  if (initial_delay_seconds > 0) {
    int idle = static_cast<int>(initial_delay_seconds);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  }
  int count = 10, interval = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
}

}  // namespace berth
