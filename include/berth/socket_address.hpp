#pragma once
// net.SocketAddress: an IP address, port, family and flow label, validated and
// normalised as Node v20 does it.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "berth/port.hpp"

namespace asio::ip {
class tcp;
template <typename InternetProtocol>
class basic_endpoint;
}  // namespace asio::ip

namespace berth::net {

/// The options object of `new net.SocketAddress(options)`.
struct SocketAddressOptions {
  /// The address text. Default: "127.0.0.1" if `family` is exactly "ipv4", else "::".
  std::optional<std::string> address;
  /// "ipv4" or "ipv6" in any case. The family is never inferred from the address.
  std::string family = "ipv4";
  /// The port, validated like Node's validatePort. Default (undefined): 0.
  PortValue port;
  /// The IPv6 flow label, 0..2^20-1 (ignored for ipv4, as in Node).
  std::int64_t flowlabel = 0;
};

/// What `socketAddress.toJSON()` returns, with Node's keys in Node's order.
struct SocketAddressJSON {
  std::string address;  ///< normalised address text
  std::uint16_t port = 0;  ///< the port
  std::string family;  ///< "ipv4" or "ipv6"
  std::uint32_t flowlabel = 0;  ///< the flow label (0 for ipv4)
  /// Member-wise equality.
  bool operator==(const SocketAddressJSON&) const = default;
};

/// Node's net.SocketAddress. Immutable; copyable.
class SocketAddress {
 public:
  /// The constructor's options.
  using Options = SocketAddressOptions;

  /// `new SocketAddress()`: 127.0.0.1, port 0, ipv4, flow label 0.
  SocketAddress();

  /// `new SocketAddress(options)`. Throws berth::Error with Node's code, message
  /// and kind: ERR_INVALID_ARG_VALUE (bad family), ERR_SOCKET_BAD_PORT,
  /// ERR_OUT_OF_RANGE (flow label), ERR_INVALID_ADDRESS (address not of `family`).
  /// Where Node v20 aborts the process, berth throws: a port given as a string
  /// (ERR_INVALID_ARG_TYPE) and an IPv6 flow label of 2^20 or more
  /// (ERR_OUT_OF_RANGE). Address text is taken whole: Node would stop at a NUL.
  explicit SocketAddress(const SocketAddressOptions& options);

  /// The address of an Asio endpoint (an IPv4-mapped IPv6 endpoint stays ipv6).
  static SocketAddress from_endpoint(const asio::ip::basic_endpoint<asio::ip::tcp>& endpoint);

  /// The Asio endpoint for this address, with its port, flow label and zone.
  asio::ip::basic_endpoint<asio::ip::tcp> to_endpoint() const;

  /// The normalised address text: `::1`, `::ffff:1.2.3.4`, `10.0.0.1` (no zone).
  const std::string& address() const noexcept { return address_; }
  /// "ipv4" or "ipv6".
  std::string_view family() const noexcept { return ipv6_ ? "ipv6" : "ipv4"; }
  /// The port.
  std::uint16_t port() const noexcept { return port_; }
  /// The IPv6 flow label; always 0 for ipv4.
  std::uint32_t flowlabel() const noexcept { return flowlabel_; }

  /// Node's toJSON(): { address, port, family, flowlabel }.
  SocketAddressJSON toJSON() const;
  /// What util.inspect prints: `SocketAddress { address: '::1', port: 8080, family: 'ipv6', flowlabel: 5 }`.
  std::string inspect() const;

  /// True for ipv6 (berth extension).
  bool is_ipv6() const noexcept { return ipv6_; }
  /// The address in network byte order: 4 bytes for ipv4, 16 for ipv6 (berth extension).
  std::span<const std::uint8_t> bytes() const noexcept {
    return {bytes_.data(), ipv6_ ? std::size_t{16} : std::size_t{4}};
  }
  /// The IPv6 scope id from a `%zone` suffix (interface index), or 0 (berth extension).
  std::uint32_t scope_id() const noexcept { return scope_id_; }

  /// Same family, bytes, port, flow label and scope id.
  bool operator==(const SocketAddress&) const = default;

 private:
  std::string address_;
  std::array<std::uint8_t, 16> bytes_{};
  std::uint32_t flowlabel_ = 0;
  std::uint32_t scope_id_ = 0;
  std::uint16_t port_ = 0;
  bool ipv6_ = false;
};

}  // namespace berth::net

// Shared with BlockList; not a stable API.
namespace berth::detail {

/// Parses address text the way Node's SocketAddress does (libuv's uv_ip4_addr /
/// uv_ip6_addr): for ipv6, everything after the first '%' is the zone, whatever it
/// holds, and the address part before it is cut to 39 characters. Fills `bytes`
/// (4 or 16 of them) and, for ipv6, `zone` (empty if none). Does not allocate.
bool parse_socket_address(std::string_view text, bool ipv6, std::array<std::uint8_t, 16>& bytes,
                          std::string_view& zone) noexcept;

/// Formats network-order bytes as Node prints addresses (libuv's inet_ntop):
/// ipv6 compressed and lowercase, `::ffff:a.b.c.d` and `::a.b.c.d` forms kept.
std::string format_address(std::span<const std::uint8_t> bytes);

}  // namespace berth::detail
