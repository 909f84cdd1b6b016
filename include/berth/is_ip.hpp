#pragma once
// net.isIP / net.isIPv4 / net.isIPv6: Node v20's checks of IP address text.

#include <array>
#include <cstdint>
#include <string_view>

namespace berth::net {

/// Node's net.isIP: 4 for strict dotted-decimal IPv4, 6 for IPv6 (an optional
/// `%zone` of letters, digits, '-', '.' and ':' allowed), otherwise 0.
int isIP(std::string_view input) noexcept;

/// Node's net.isIPv4: four decimal octets 0-255, no leading zeros, nothing else.
bool isIPv4(std::string_view input) noexcept;

/// Node's net.isIPv6: any RFC 4291 text form (`::` compression, an IPv4 tail,
/// any case), optionally followed by a zone id: `fe80::1%eth0`.
bool isIPv6(std::string_view input) noexcept;

}  // namespace berth::net

// Shared with SocketAddress and BlockList; not a stable API.
namespace berth::detail {

/// Decodes strict dotted-decimal IPv4 (the isIPv4 grammar) into network-order
/// bytes. On failure returns false and leaves `out` unspecified.
bool parse_ipv4(std::string_view text, std::array<std::uint8_t, 4>& out) noexcept;

/// Decodes IPv6 text without a zone (the isIPv6 grammar minus `%zone`) into
/// network-order bytes. On failure returns false and leaves `out` unspecified.
bool parse_ipv6(std::string_view text, std::array<std::uint8_t, 16>& out) noexcept;

}  // namespace berth::detail
