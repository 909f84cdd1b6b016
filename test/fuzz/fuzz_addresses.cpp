// libFuzzer target for isIP, SocketAddress and BlockList.
//
// The input is a little program, one command per line, fields split by ' ':
//   a <address> <family>                 addAddress
//   r <start> <end> <family>             addRange
//   R <start> <family> <end> <family>    addRange with SocketAddress ends
//   s <network> <prefix> <family>        addSubnet
//   c <address> <family>                 check
// A family field "4" or "6" means "ipv4" / "ipv6"; anything else is used as is.
// Every line and field also goes through isIP and SocketAddress.
//
// Oracles: isIP agrees with what SocketAddress accepts; decoded bytes agree
// with inet_pton; printed addresses parse back to themselves; and every
// check() agrees with a linear scan that follows Node v20's C++ rule matching
// (node_sockaddr.cc) rather than berth's interval index.

#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "berth/block_list.hpp"
#include "berth/error.hpp"
#include "berth/is_ip.hpp"
#include "berth/socket_address.hpp"
#include "check.hpp"

namespace {

using berth::net::BlockList;
using berth::net::SocketAddress;
using Bytes = std::array<std::uint8_t, 16>;

std::optional<SocketAddress> make_address(std::string_view text, std::string_view family) {
  berth::net::SocketAddressOptions options;
  options.address = std::string(text);
  options.family = std::string(family);
  try {
    return SocketAddress(options);
  } catch (const berth::Error&) {
    return std::nullopt;
  }
}

// isIP, the byte decoders and SocketAddress must tell the same story.
// `construct_failures` also builds SocketAddresses that must throw; exceptions
// are slow under ASan, so the caller asks for that only now and then.
void check_text(std::string_view text, bool construct_failures) {
  const int family = berth::net::isIP(text);
  EXPECT(berth::net::isIPv4(text) == (family == 4));
  EXPECT(berth::net::isIPv6(text) == (family == 6));

  const std::string terminated(text);
  const bool zone = terminated.find('%') != std::string::npos;
  for (const bool ipv6 : {false, true}) {
    Bytes bytes;
    std::string_view zone_text;
    const bool parsed = berth::detail::parse_socket_address(text, ipv6, bytes, zone_text);
    // SocketAddress takes any zone (libuv), isIPv6 only some: compare without one.
    if (!ipv6 || !zone) EXPECT(parsed == (family == (ipv6 ? 6 : 4)));
    if (!parsed) {
      if (construct_failures) EXPECT(!make_address(text, ipv6 ? "ipv6" : "ipv4"));
      continue;
    }
    const auto address = make_address(text, ipv6 ? "IPv6" : "IPV4");
    EXPECT(address && address->is_ipv6() == ipv6);
    EXPECT(std::memcmp(bytes.data(), address->bytes().data(), address->bytes().size()) == 0);
    EXPECT(berth::net::isIP(address->address()) == (ipv6 ? 6 : 4));
    const auto again = make_address(address->address(), address->family());
    EXPECT(again && again->address() == address->address());
    EXPECT(std::memcmp(again->bytes().data(), address->bytes().data(), address->bytes().size()) == 0);
    // What berth decodes, the C library decodes the same way.
    unsigned char buffer[16];
    if (!zone && terminated.find('\0') == std::string::npos) {
      EXPECT(inet_pton(ipv6 ? AF_INET6 : AF_INET, terminated.c_str(), buffer) == 1);
      EXPECT(std::memcmp(buffer, address->bytes().data(), address->bytes().size()) == 0);
    }
    EXPECT(inet_pton(ipv6 ? AF_INET6 : AF_INET, address->address().c_str(), buffer) == 1);
    EXPECT(std::memcmp(buffer, address->bytes().data(), address->bytes().size()) == 0);
  }
}

// ---- Node v20's rule matching, one rule at a time -------------------------

struct Address {
  bool ipv6;
  Bytes bytes;  // ipv4 in bytes[0..3]
};

Address of(const SocketAddress& a) {
  Address out{a.is_ipv6(), {}};
  std::memcpy(out.bytes.data(), a.bytes().data(), a.bytes().size());
  return out;
}

bool is_mapped(const Bytes& b) {
  static const std::uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(b.data(), prefix, 12) == 0;
}

// Node's SocketAddress::compare: -1, 0, 1, or nothing if not comparable.
std::optional<int> compare(const Address& a, const Address& b) {
  auto sign = [](int c) { return c < 0 ? -1 : c > 0 ? 1 : 0; };
  if (a.ipv6 == b.ipv6) return sign(std::memcmp(a.bytes.data(), b.bytes.data(), a.ipv6 ? 16 : 4));
  const Address& v4 = a.ipv6 ? b : a;
  const Address& v6 = a.ipv6 ? a : b;
  if (!is_mapped(v6.bytes)) return std::nullopt;
  const int c = sign(std::memcmp(v4.bytes.data(), v6.bytes.data() + 12, 4));
  return a.ipv6 ? -c : c;
}

// Whether the first `bits` bits of two 16-byte strings agree.
bool same_prefix(const std::uint8_t* x, const std::uint8_t* y, int bits) {
  const int whole = bits / 8, rest = bits % 8;
  if (std::memcmp(x, y, static_cast<std::size_t>(whole)) != 0) return false;
  if (rest == 0) return true;
  const std::uint8_t mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
  return (x[whole] & mask) == (y[whole] & mask);
}

// Node's SocketAddress::is_in_network.
bool in_network(const Address& query, const Address& network, int prefix) {
  if (!query.ipv6 && !network.ipv6) return same_prefix(query.bytes.data(), network.bytes.data(), prefix);
  if (query.ipv6 && network.ipv6) return same_prefix(query.bytes.data(), network.bytes.data(), prefix);
  if (!query.ipv6) {  // an IPv4 query against an IPv6 network: as ::ffff:a.b.c.d
    Bytes mapped{};
    mapped[10] = mapped[11] = 0xff;
    std::memcpy(mapped.data() + 12, query.bytes.data(), 4);
    return same_prefix(mapped.data(), network.bytes.data(), prefix);
  }
  return is_mapped(query.bytes) && same_prefix(query.bytes.data() + 12, network.bytes.data(), prefix);
}

struct ModelRule {
  char kind;  // 'a', 'r', 's'
  Address first, last;
  int prefix;
};

bool model_check(const std::vector<ModelRule>& rules, const Address& query) {
  for (const ModelRule& rule : rules) {
    switch (rule.kind) {
      case 'a':
        if (compare(query, rule.first) == 0) return true;
        break;
      case 'r': {
        const auto low = compare(query, rule.first), high = compare(query, rule.last);
        if (low && high && *low >= 0 && *high <= 0) return true;
        break;
      }
      case 's':
        if (in_network(query, rule.first, rule.prefix)) return true;
        break;
    }
  }
  return false;
}

// ---- the program ------------------------------------------------------------

std::vector<std::string_view> split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto at = s.find(separator);
    parts.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return parts;
    s.remove_prefix(at + 1);
  }
}

std::string family_of(std::string_view field) {
  if (field == "4") return "ipv4";
  if (field == "6") return "ipv6";
  return std::string(field);
}

int prefix_of(std::string_view field) {
  int value = 0;
  for (char c : field.substr(0, 4)) value = value * 10 + (c >= '0' && c <= '9' ? c - '0' : 0);
  return field.substr(0, 1) == "-" ? -value : value;
}

// Queries around a rule's ends: the ends, their neighbours, in both families.
void probe_around(const BlockList& list, const std::vector<ModelRule>& rules, const Address& a) {
  for (int delta : {-1, 0, 1}) {
    Address q = a;
    const std::size_t last = q.ipv6 ? 15 : 3;
    if (delta == 1) {
      for (std::size_t i = last + 1; i-- > 0 && ++q.bytes[i] == 0;) {}
    } else if (delta == -1) {
      for (std::size_t i = last + 1; i-- > 0 && q.bytes[i]-- == 0;) {}
    }
    std::string text = berth::detail::format_address(std::span(q.bytes.data(), last + 1));
    const bool blocked = list.check(text, q.ipv6 ? "ipv6" : "ipv4");
    EXPECT(blocked == model_check(rules, q));
    if (!q.ipv6) {  // the same address, IPv4-mapped
      Address mapped{true, {}};
      mapped.bytes[10] = mapped.bytes[11] = 0xff;
      std::memcpy(mapped.bytes.data() + 12, q.bytes.data(), 4);
      EXPECT(list.check("::ffff:" + text, "ipv6") == model_check(rules, mapped));
    } else if (is_mapped(q.bytes)) {
      Address plain{false, {}};
      std::memcpy(plain.bytes.data(), q.bytes.data() + 12, 4);
      EXPECT(list.check(berth::detail::format_address(std::span(plain.bytes.data(), 4))) ==
             model_check(rules, plain));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  BlockList list;
  std::vector<ModelRule> rules;
  std::size_t commands = 0;

  for (std::string_view line : split(input, '\n')) {
    if (++commands > 64) break;
    check_text(line, commands <= 2);
    const auto fields = split(line, ' ');
    for (std::size_t i = 1; i < fields.size() && i < 5; ++i) check_text(fields[i], false);
    auto field = [&fields](std::size_t i) { return i < fields.size() ? fields[i] : std::string_view(); };
    if (line.empty()) continue;

    try {
      switch (line[0]) {
        case 'a': {
          list.addAddress(field(1), family_of(field(2)));
          rules.push_back({'a', of(*make_address(field(1), family_of(field(2)))), {}, 0});
          break;
        }
        case 'r': {
          list.addRange(field(1), field(2), family_of(field(3)));
          rules.push_back({'r', of(*make_address(field(1), family_of(field(3)))),
                           of(*make_address(field(2), family_of(field(3)))), 0});
          break;
        }
        case 'R': {
          const auto start = make_address(field(1), family_of(field(2)));
          const auto end = make_address(field(3), family_of(field(4)));
          if (!start || !end) break;
          const auto order = compare(of(*start), of(*end));
          try {
            list.addRange(*start, *end);
            EXPECT(!(order && *order > 0));
            rules.push_back({'r', of(*start), of(*end), 0});
          } catch (const berth::Error& e) {
            EXPECT(order && *order > 0 && e.code == "ERR_INVALID_ARG_VALUE");
          }
          break;
        }
        case 's': {
          const int prefix = prefix_of(field(2));
          list.addSubnet(field(1), prefix, family_of(field(3)));
          const auto network = make_address(field(1), family_of(field(3)));
          EXPECT(prefix >= 0 && prefix <= (network->is_ipv6() ? 128 : 32));
          rules.push_back({'s', of(*network), {}, prefix});
          break;
        }
        case 'c': {
          const auto query = make_address(field(1), family_of(field(2)));
          const bool blocked = list.check(field(1), family_of(field(2)));
          EXPECT(blocked == (query && model_check(rules, of(*query))));
          if (query) EXPECT(list.check(*query) == blocked);
          break;
        }
        default:
          break;
      }
    } catch (const berth::Error&) {
      // Bad input to add*: Node throws too, and no rule was added.
    }
  }
  EXPECT(list.rules().size() == rules.size());

  for (const ModelRule& rule : rules) {
    probe_around(list, rules, rule.first);
    if (rule.kind == 'r') probe_around(list, rules, rule.last);
  }
  (void)list.inspect();
  return 0;
}
