#pragma once
// The address filter that enforces a BlockList on connect and accept
// (Node v23's `blockList` option, brought to berth).

#include <functional>
#include <memory>
#include <string>

#include "berth/block_list.hpp"
#include "berth/error.hpp"

namespace berth::net {

/// Node v23's ERR_IP_BLOCKED.
inline Error ip_blocked_error(const std::string& address) {
  return Error("ERR_IP_BLOCKED", "IP(" + address + ") is blocked by net.BlockList");
}

/// Whether `list` blocks `address` of `family` (4 or 6).
inline bool is_blocked(const BlockList& list, const std::string& address, int family) {
  return list.check(address, family == 6 ? "ipv6" : "ipv4");
}

/// A core connect filter refusing what `list` blocks.
inline std::function<Error(const std::string&, int)> block_list_filter(std::shared_ptr<const BlockList> list) {
  return [list = std::move(list)](const std::string& address, int family) {
    return is_blocked(*list, address, family) ? ip_blocked_error(address) : Error{};
  };
}

}  // namespace berth::net
