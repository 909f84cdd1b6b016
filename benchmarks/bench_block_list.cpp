// BlockList::check with 10/100/1000/10000 rules, on the rule sets and queries of
// Node's benchmark/net/net-blocklist.js (address, subnet and mixed rules; hit
// 10.0.0.1, miss 192.168.255.255), against a linear scan of the same rules
// done as Node v20 does it (every rule tried, newest first). Node's rule sets
// are runs of neighbouring addresses that merge into one interval, so a fourth
// set, "sparse", blocks every other address from 10.0.0.1: n disjoint intervals.
//
//   bench_block_list [--rules N] [--ms N] [--tsv]
//     --rules N   only this rule count
//     --ms N      time spent on each measurement (default 200 ms)
//     --tsv       rules, type, result, metric, ns per check: one line each

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "berth/block_list.hpp"
#include "berth/is_ip.hpp"

namespace {

template <class T>
inline void keep(T const& value) {
  asm volatile("" : : "r,m"(value) : "memory");
}
inline const char* opaque(const char* p) {
  asm volatile("" : "+r"(p));
  return p;
}

template <class F>
double ns_per_call(F f, std::chrono::milliseconds budget) {
  using clock = std::chrono::steady_clock;
  std::size_t calls = 0, batch = 1;
  const auto start = clock::now();
  auto now = start;
  do {
    for (std::size_t i = 0; i < batch; ++i) f();
    calls += batch;
    if (batch < 4096) batch *= 2;
    now = clock::now();
  } while (now - start < budget);
  return std::chrono::duration<double, std::nano>(now - start).count() / static_cast<double>(calls);
}

std::string ipv4_text(std::uint32_t v) {
  return std::to_string(v >> 24) + "." + std::to_string(v >> 16 & 255) + "." + std::to_string(v >> 8 & 255) +
         "." + std::to_string(v & 255);
}

// The baseline: Node v20's SocketAddressBlockList::Apply, a loop over every
// rule, reduced to the IPv4 rules this benchmark uses.
class LinearBlockList {
 public:
  void add_address(std::uint32_t a) { rules_.push_back({a, a}); }
  void add_subnet(std::uint32_t network, int prefix) {
    const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
    rules_.push_back({network & mask, network | ~mask});
  }
  bool check(std::string_view text) const {
    std::array<std::uint8_t, 4> quad;
    if (!berth::detail::parse_ipv4(text, quad)) return false;
    const std::uint32_t a = std::uint32_t{quad[0]} << 24 | quad[1] << 16 | quad[2] << 8 | quad[3];
    for (auto rule = rules_.rbegin(); rule != rules_.rend(); ++rule)
      if (a >= rule->first && a <= rule->last) return true;
    return false;
  }

 private:
  struct Rule { std::uint32_t first, last; };
  std::vector<Rule> rules_;
};

// net-blocklist.js's buildBlockList: addresses from 10.0.0.1 up, /24 subnets
// 172.i.j.0; "mixed" is half of each; "sparse" is every other address.
template <class AddAddress, class AddSubnet>
void build(std::size_t count, std::string_view type, AddAddress add_address, AddSubnet add_subnet) {
  if (type == "address" || type == "mixed") {
    const std::size_t addresses = type == "mixed" ? count / 2 : count;
    for (std::size_t i = 0; i < addresses; ++i) add_address(0x0a000001u + static_cast<std::uint32_t>(i));
  }
  if (type == "sparse") {
    for (std::size_t i = 0; i < count; ++i) add_address(0x0a000001u + 2 * static_cast<std::uint32_t>(i));
  }
  if (type == "subnet" || type == "mixed") {
    const std::size_t subnets = type == "mixed" ? count / 2 : count;
    for (std::size_t i = 0; i < subnets; ++i)
      add_subnet(0xAC000000u | static_cast<std::uint32_t>((i >> 8 & 255) << 16 | (i & 255) << 8), 24);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::chrono::milliseconds budget(200);
  std::size_t only_rules = 0;
  bool tsv = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--ms") == 0 && i + 1 < argc) budget = std::chrono::milliseconds(std::atoi(argv[++i]));
    else if (std::strcmp(argv[i], "--rules") == 0 && i + 1 < argc) only_rules = std::strtoul(argv[++i], nullptr, 10);
    else if (std::strcmp(argv[i], "--tsv") == 0) tsv = true;
  }

  if (!tsv)
    std::printf("%6s %-8s %-5s %16s %16s %14s\n", "rules", "type", "query", "check(string) ns",
                "check(SockAddr)", "linear scan ns");
  for (std::size_t count : {10, 100, 1000, 10000}) {
    if (only_rules && count != only_rules) continue;
    for (const char* type : {"address", "subnet", "mixed", "sparse"}) {
      berth::net::BlockList list;
      LinearBlockList linear;
      build(
          count, type,
          [&](std::uint32_t a) {
            list.addAddress(ipv4_text(a));
            linear.add_address(a);
          },
          [&](std::uint32_t network, int prefix) {
            list.addSubnet(ipv4_text(network), prefix);
            linear.add_subnet(network, prefix);
          });
      for (const char* result : {"hit", "miss"}) {
        const char* query = std::strcmp(result, "hit") == 0 ? "10.0.0.1" : "192.168.255.255";
        const std::size_t length = std::strlen(query);
        berth::net::SocketAddressOptions options;
        options.address = query;
        const berth::net::SocketAddress query_address(options);
        if (list.check(query) != linear.check(query)) {
          std::fprintf(stderr, "berth and the linear scan disagree on %s\n", query);
          return 1;
        }
        const double by_string =
            ns_per_call([&] { keep(list.check(std::string_view(opaque(query), length))); }, budget);
        const double by_address = ns_per_call([&] { keep(list.check(query_address)); }, budget);
        const double by_scan =
            ns_per_call([&] { keep(linear.check(std::string_view(opaque(query), length))); }, budget);
        if (tsv) {
          std::printf("%zu\t%s\t%s\tcheck\t%.1f\n", count, type, result, by_string);
          std::printf("%zu\t%s\t%s\tcheckWithSocketAddress\t%.1f\n", count, type, result, by_address);
          std::printf("%zu\t%s\t%s\tlinear\t%.1f\n", count, type, result, by_scan);
        } else {
          std::printf("%6zu %-8s %-5s %16.1f %16.1f %14.1f\n", count, type, result, by_string, by_address, by_scan);
        }
        std::fflush(stdout);
      }
    }
  }
}
