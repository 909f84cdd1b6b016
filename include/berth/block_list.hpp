#pragma once
// net.BlockList: rules that block IP addresses, ranges and subnets, matched as
// Node v20 matches them.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "berth/socket_address.hpp"

namespace berth::net {

/// Node's net.BlockList. `check` looks addresses up in sorted disjoint intervals
/// (O(log n)), rebuilt lazily after rules are added. Concurrent `check` calls are
/// safe; adding rules while another thread checks is not (as for std containers).
class BlockList {
 public:
  /// An empty list.
  BlockList();
  /// Copies the rules (the copy builds its own index).
  BlockList(const BlockList& other);
  /// Takes over the rules and the index.
  BlockList(BlockList&& other) noexcept;
  /// Replaces the rules with a copy of `other`'s.
  BlockList& operator=(const BlockList& other);
  /// Replaces the rules with `other`'s.
  BlockList& operator=(BlockList&& other) noexcept;
  /// Destroys the rules.
  ~BlockList();

  /// Blocks one address, parsed as `type` ("ipv4"/"ipv6", any case). Throws
  /// berth::Error as `new SocketAddress({address, family: type})` would.
  void addAddress(std::string_view address, std::string_view type = "ipv4");
  /// Blocks one address.
  void addAddress(const SocketAddress& address);

  /// Blocks `start` to `end`, both included. Throws ERR_INVALID_ARG_VALUE
  /// ("The argument 'start' must come before end. ...") if start > end.
  void addRange(std::string_view start, std::string_view end, std::string_view type = "ipv4");
  /// Blocks `start` to `end`, both included; the two may differ in family, as in Node.
  void addRange(const SocketAddress& start, const SocketAddress& end);

  /// Blocks `network/prefix`. Throws ERR_OUT_OF_RANGE unless 0 <= prefix <= 32
  /// (ipv4) or 128 (ipv6). The rule keeps `network` as given (not masked).
  void addSubnet(std::string_view network, int prefix, std::string_view type = "ipv4");
  /// Blocks `network/prefix`.
  void addSubnet(const SocketAddress& network, int prefix);

  /// True if a rule matches `address` parsed as `type`. A malformed address or
  /// an unknown type gives false, never an error. IPv4 rules match IPv4-mapped
  /// IPv6 queries and `::ffff:a.b.c.d` rules match IPv4 queries. Allocates only
  /// to bring the index up to date after rules were added.
  bool check(std::string_view address, std::string_view type = "ipv4") const;
  /// True if a rule matches `address`.
  bool check(const SocketAddress& address) const;

  /// The rules as Node prints them, newest first: `Address: IPv4 1.1.1.1`,
  /// `Range: IPv6 ::1-::f`, `Subnet: IPv4 10.0.0.0/8`.
  std::vector<std::string> rules() const;
  /// What util.inspect prints: `BlockList { rules: [ 'Address: IPv4 1.1.1.1' ] }`.
  std::string inspect() const;

 private:
  enum class RuleKind : std::uint8_t { Address, Range, Subnet };
  struct Rule {
    RuleKind kind;
    int prefix;                         // Subnet only
    SocketAddress first;                // the address, range start or network
    std::optional<SocketAddress> last;  // Range only
  };
  // An address as a 128-bit number: IPv6 as is, IPv4 as its mapped ::ffff:a.b.c.d.
  struct Key {
    std::uint64_t high = 0, low = 0;
    auto operator<=>(const Key&) const = default;
  };
  template <typename T>
  struct Interval {
    T first, last;
  };
  // The rules flattened into sorted, disjoint intervals, one set per query family
  // (Node's matching of mixed-family ranges depends on the query's family).
  struct Index {
    std::vector<Interval<std::uint32_t>> ipv4;  // for IPv4 queries
    std::vector<Interval<Key>> ipv6;            // for IPv6 queries
  };

  static Key key_of(const SocketAddress& address) noexcept;
  static Key key_of(bool ipv6, const std::array<std::uint8_t, 16>& bytes) noexcept;
  static void add_to_index(const Rule& rule, Index& index, bool keep_sorted);
  void add_rule(Rule rule);
  const Index& current_index() const;
  bool lookup(bool ipv6, const Key& key) const;

  std::vector<Rule> rules_;
  mutable Index index_;
  mutable std::atomic<std::size_t> indexed_rules_{0};  // rules_[0, n) are in index_
  mutable std::mutex index_mutex_;
};

}  // namespace berth::net
