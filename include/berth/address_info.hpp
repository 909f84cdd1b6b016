#pragma once
// berth::AddressInfo: where a socket is bound or connected, as Node reports it.

#include <asio/generic/stream_protocol.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace berth {

/// An IP address with family and port (`{ address, family, port }` in Node), or a
/// Unix socket path (family empty; an abstract name starts with '\0').
struct AddressInfo {
  std::string address;  ///< "127.0.0.1", "::1", or the Unix path
  std::string family;   ///< "IPv4", "IPv6", or "" for a Unix socket
  std::uint16_t port = 0;

  /// Whether this is a Unix domain socket path.
  bool is_unix() const noexcept { return family.empty(); }
  friend bool operator==(const AddressInfo&, const AddressInfo&) = default;
};

/// The generic endpoint type used by berth's streams and acceptors.
using Endpoint = asio::generic::stream_protocol::endpoint;

/// Reads an endpoint as Node would print it.
AddressInfo to_address_info(const Endpoint& endpoint);

/// A TCP endpoint from an IP literal (throws berth::Error ERR_INVALID_IP_ADDRESS).
Endpoint make_ip_endpoint(std::string_view ip, std::uint16_t port);

/// A Unix endpoint; a leading '\0' makes a Linux abstract name. A path longer than
/// `sun_path` allows throws berth::Error ENAMETOOLONG rather than being truncated.
Endpoint make_unix_endpoint(std::string_view path, const char* syscall);

/// Marks a descriptor close-on-exec, as libuv does for every socket, so child
/// processes inherit no listener or connection.
void set_close_on_exec(int fd) noexcept;

/// The protocol (TCP or Unix) of an endpoint, to open a socket for it.
asio::generic::stream_protocol protocol_of(const Endpoint& endpoint);

}  // namespace berth
