#include "berth/address_info.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <asio/ip/address.hpp>
#include <asio/ip/tcp.hpp>
#include <cstring>

#include "berth/error.hpp"

namespace berth {

AddressInfo to_address_info(const Endpoint& endpoint) {
  const sockaddr* sa = endpoint.data();
  AddressInfo info;
  if (sa->sa_family == AF_INET || sa->sa_family == AF_INET6) {
    asio::ip::tcp::endpoint tcp;
    std::memcpy(tcp.data(), sa, endpoint.size());
    info.address = tcp.address().to_string();
    info.family = tcp.address().is_v4() ? "IPv4" : "IPv6";
    info.port = tcp.port();
  } else if (sa->sa_family == AF_UNIX) {
    const auto* un = reinterpret_cast<const sockaddr_un*>(sa);
    std::size_t len = endpoint.size() > offsetof(sockaddr_un, sun_path)
                          ? endpoint.size() - offsetof(sockaddr_un, sun_path) : 0;
    if (len > 0 && un->sun_path[0] != '\0') len = ::strnlen(un->sun_path, len);
    info.address.assign(un->sun_path, len);
  }
  return info;
}

Endpoint make_ip_endpoint(std::string_view ip, std::uint16_t port) {
  std::error_code ec;
  std::string text(ip);
  auto address = asio::ip::make_address(text, ec);
  if (ec) throw Error("ERR_INVALID_IP_ADDRESS", "Invalid IP address: " + text, ErrorKind::TypeError);
  return Endpoint(asio::ip::tcp::endpoint(address, port));
}

Endpoint make_unix_endpoint(std::string_view path, const char* syscall) {
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  bool abstract = !path.empty() && path[0] == '\0';
  // The kernel would stop a filesystem name at its first NUL: another path.
  if (!abstract && path.find('\0') != std::string_view::npos)
    throw Error("ERR_INVALID_ARG_VALUE",
                "The argument 'path' must be a string without null bytes. Received '" +
                    std::string(path.substr(0, path.find('\0'))) + "\\x00...'",
                ErrorKind::TypeError);
  // A filesystem path needs room for its terminating NUL; an abstract name does not.
  std::size_t room = sizeof(un.sun_path) - (abstract ? 0 : 1);
  if (path.size() > room) {
    auto e = Error::from_system_described(std::make_error_code(std::errc::filename_too_long),
                                          syscall, std::string(path), -1);
    if (std::string_view(syscall) == "connect")
      e = Error::from_system(std::make_error_code(std::errc::filename_too_long), syscall,
                             std::string(path));
    throw e;
  }
  std::memcpy(un.sun_path, path.data(), path.size());
  auto size = static_cast<std::size_t>(offsetof(sockaddr_un, sun_path) + path.size() + (abstract ? 0 : 1));
  return Endpoint(&un, size, 0);
}

asio::generic::stream_protocol protocol_of(const Endpoint& endpoint) {
  int family = endpoint.data()->sa_family;
  return asio::generic::stream_protocol(family, family == AF_UNIX ? 0 : IPPROTO_TCP);
}

}  // namespace berth
