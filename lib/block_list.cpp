#include "berth/block_list.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "berth/error.hpp"

namespace berth::net {
namespace {

// ::ffff:0.0.0.0 and ::ffff:255.255.255.255 as the low half of a key.
constexpr std::uint64_t kMappedFirst = 0x0000FFFF00000000;
constexpr std::uint64_t kMappedLast = 0x0000FFFFFFFFFFFF;

template <typename K>
bool is_mapped(const K& key) noexcept {
  return key.high == 0 && key.low >> 32 == 0xFFFF;
}

bool family_is_ipv6(std::string_view type, bool& ipv6) noexcept {
  if (type.size() != 4) return false;
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  if (lower(type[0]) != 'i' || lower(type[1]) != 'p' || lower(type[2]) != 'v') return false;
  if (type[3] != '4' && type[3] != '6') return false;
  ipv6 = type[3] == '6';
  return true;
}

SocketAddress parse_rule_address(std::string_view address, std::string_view type) {
  SocketAddressOptions options;
  options.address = std::string(address);
  options.family = std::string(type);
  return SocketAddress(options);
}

template <typename T>
bool has_successor(const T& value, T& next) noexcept {
  if constexpr (std::is_integral_v<T>) {
    if (value == std::numeric_limits<T>::max()) return false;
    next = value + 1;
  } else {
    if (value.high == ~std::uint64_t{0} && value.low == ~std::uint64_t{0}) return false;
    next = value;
    if (++next.low == 0) ++next.high;
  }
  return true;
}

// Sorts intervals and merges the ones that overlap or touch.
template <typename T>
void sort_and_merge(std::vector<T>& intervals) {
  std::sort(intervals.begin(), intervals.end(),
            [](const T& a, const T& b) { return a.first < b.first; });
  std::size_t kept = 0;
  for (const T& interval : intervals) {
    if (kept != 0) {
      T& previous = intervals[kept - 1];
      decltype(interval.first) after;
      if (!has_successor(previous.last, after) || interval.first <= after) {
        if (previous.last < interval.last) previous.last = interval.last;
        continue;
      }
    }
    intervals[kept++] = interval;
  }
  intervals.resize(kept);
}

// Adds one interval to sorted disjoint intervals, merging what it overlaps.
template <typename T>
void insert_merged(std::vector<T>& intervals, T interval) {
  auto from = std::lower_bound(intervals.begin(), intervals.end(), interval,
                               [](const T& a, const T& b) { return a.last < b.first; });
  auto to = std::upper_bound(from, intervals.end(), interval,
                             [](const T& a, const T& b) { return a.last < b.first; });
  if (from == to) {
    intervals.insert(from, interval);
    return;
  }
  interval.first = std::min(interval.first, from->first);
  interval.last = std::max(interval.last, (to - 1)->last);
  *from = interval;
  intervals.erase(from + 1, to);
}

template <typename T, typename V>
bool contains(const std::vector<T>& intervals, const V& value) noexcept {
  auto after = std::upper_bound(intervals.begin(), intervals.end(), value,
                                [](const V& v, const T& interval) { return v < interval.first; });
  return after != intervals.begin() && !((after - 1)->last < value);
}

// util.inspect's array layout for more than six entries (groupArrayElements):
// short entries are laid out in columns. `indentation` is the array's
// indentation level; `has_more` marks a final "... n more items" entry.
std::vector<std::string> group_array_elements(const std::vector<std::string>& output,
                                              std::size_t indentation, bool has_more) {
  constexpr double kBreakLength = 80;
  constexpr std::size_t kSeparatorSpace = 2;
  const std::size_t count = output.size() - (has_more ? 1 : 0);
  std::size_t total_length = 0, max_length = 0;
  for (std::size_t i = 0; i < count; ++i) {
    total_length += output[i].size() + kSeparatorSpace;
    max_length = std::max(max_length, output[i].size());
  }
  const double actual_max = static_cast<double>(max_length + kSeparatorSpace);
  if (!(actual_max * 3 + static_cast<double>(indentation) < kBreakLength &&
        (static_cast<double>(total_length) / actual_max > 5 || max_length <= 6)))
    return output;
  const double average_bias =
      std::sqrt(actual_max - static_cast<double>(total_length) / static_cast<double>(output.size()));
  const double biased_max = std::max(actual_max - 3 - average_bias, 1.0);
  const double columns_by_area =
      std::floor(std::sqrt(2.5 * biased_max * static_cast<double>(count)) / biased_max + 0.5);
  const double columns_by_width = std::floor((kBreakLength - static_cast<double>(indentation)) / actual_max);
  const auto columns = static_cast<std::size_t>(std::min({columns_by_area, columns_by_width, 12.0, 15.0}));
  if (columns <= 1) return output;

  std::vector<std::size_t> column_width(columns, 0);
  for (std::size_t i = 0; i < columns; ++i) {
    for (std::size_t j = i; j < count; j += columns)
      column_width[i] = std::max(column_width[i], output[j].size());
    column_width[i] += kSeparatorSpace;
  }
  std::vector<std::string> rows;
  for (std::size_t i = 0; i < count; i += columns) {
    const std::size_t end = std::min(i + columns, count);
    std::string row;
    for (std::size_t j = i; j + 1 < end; ++j) {
      std::string cell = output[j] + ", ";
      cell.resize(std::max(cell.size(), column_width[j - i]), ' ');
      row += cell;
    }
    row += output[end - 1];
    rows.push_back(std::move(row));
  }
  if (has_more) rows.push_back(output.back());
  return rows;
}

// util.inspect's isBelowBreakLength for entries that start `start` columns in.
bool fits_on_one_line(const std::vector<std::string>& output, std::size_t start) {
  std::size_t total = output.size() + start;
  if (total + output.size() > 80) return false;
  for (const auto& entry : output) {
    total += entry.size();
    if (total > 80) return false;
  }
  return true;
}

}  // namespace

BlockList::BlockList() = default;

BlockList::BlockList(const BlockList& other) : rules_(other.rules_) {}

BlockList::BlockList(BlockList&& other) noexcept
    : rules_(std::move(other.rules_)),
      index_(std::move(other.index_)),
      indexed_rules_(other.indexed_rules_.load()) {
  other.rules_.clear();
  other.index_ = {};
  other.indexed_rules_ = 0;
}

BlockList& BlockList::operator=(const BlockList& other) {
  if (this != &other) {
    rules_ = other.rules_;
    index_ = {};
    indexed_rules_ = 0;
  }
  return *this;
}

BlockList& BlockList::operator=(BlockList&& other) noexcept {
  if (this != &other) {
    rules_ = std::move(other.rules_);
    index_ = std::move(other.index_);
    indexed_rules_ = other.indexed_rules_.load();
    other.rules_.clear();
    other.index_ = {};
    other.indexed_rules_ = 0;
  }
  return *this;
}

BlockList::~BlockList() = default;

void BlockList::addAddress(std::string_view address, std::string_view type) {
  addAddress(parse_rule_address(address, type));
}

void BlockList::addAddress(const SocketAddress& address) {
  add_rule({RuleKind::Address, 0, address, std::nullopt});
}

void BlockList::addRange(std::string_view start, std::string_view end, std::string_view type) {
  SocketAddress first = parse_rule_address(start, type);
  addRange(first, parse_rule_address(end, type));
}

void BlockList::addRange(const SocketAddress& start, const SocketAddress& end) {
  // Node compares an IPv4 address with an IPv6 one only if the IPv6 one is
  // IPv4-mapped; incomparable ends are accepted (and match less, see add_to_index).
  // (An IPv4 address's key is its mapped form, so mixed ends are comparable
  // exactly when both keys lie in the mapped block.)
  const Key first = key_of(start), last = key_of(end);
  const bool comparable = start.is_ipv6() == end.is_ipv6() || (is_mapped(first) && is_mapped(last));
  if (comparable && last < first) {
    std::string shown = start.inspect();
    if (shown.size() > 128) shown = shown.substr(0, 128) + "...";
    throw Error("ERR_INVALID_ARG_VALUE",
                "The argument 'start' must come before end. Received " + shown,
                ErrorKind::TypeError);
  }
  add_rule({RuleKind::Range, 0, start, end});
}

void BlockList::addSubnet(std::string_view network, int prefix, std::string_view type) {
  addSubnet(parse_rule_address(network, type), prefix);
}

void BlockList::addSubnet(const SocketAddress& network, int prefix) {
  const int max = network.is_ipv6() ? 128 : 32;
  if (prefix < 0 || prefix > max) {
    throw Error("ERR_OUT_OF_RANGE",
                "The value of \"prefix\" is out of range. It must be >= 0 && <= " +
                    std::to_string(max) + ". Received " + std::to_string(prefix),
                ErrorKind::RangeError);
  }
  add_rule({RuleKind::Subnet, prefix, network, std::nullopt});
}

bool BlockList::check(std::string_view address, std::string_view type) const {
  bool ipv6 = false;
  if (!family_is_ipv6(type, ipv6)) return false;
  std::array<std::uint8_t, 16> bytes;
  std::string_view zone;
  if (!berth::detail::parse_socket_address(address, ipv6, bytes, zone)) return false;
  return lookup(ipv6, key_of(ipv6, bytes));
}

bool BlockList::check(const SocketAddress& address) const {
  return lookup(address.is_ipv6(), key_of(address));
}

std::vector<std::string> BlockList::rules() const {
  std::vector<std::string> out;
  out.reserve(rules_.size());
  for (auto rule = rules_.rbegin(); rule != rules_.rend(); ++rule) {
    const char* family = rule->first.is_ipv6() ? "IPv6 " : "IPv4 ";
    switch (rule->kind) {
      case RuleKind::Address:
        out.push_back("Address: " + (family + rule->first.address()));
        break;
      case RuleKind::Range:
        out.push_back("Range: " + (family + rule->first.address()) + "-" + rule->last->address());
        break;
      case RuleKind::Subnet:
        out.push_back("Subnet: " + (family + rule->first.address()) + "/" +
                      std::to_string(rule->prefix));
        break;
    }
  }
  return out;
}

std::string BlockList::inspect() const {
  // Node prints `BlockList ${inspect({ rules: this.rules })}`: the array sits at
  // indentation 2, its strings at 4, and util.inspect shows at most 100 items.
  const std::vector<std::string> all = rules();
  if (all.empty()) return "BlockList { rules: [] }";
  constexpr std::size_t kMaxArrayLength = 100;
  const std::size_t shown = std::min(all.size(), kMaxArrayLength);
  std::vector<std::string> output;
  output.reserve(shown + 1);
  for (std::size_t i = 0; i < shown; ++i) output.push_back("'" + all[i] + "'");
  const bool has_more = all.size() > shown;
  if (has_more) {
    const std::size_t remaining = all.size() - shown;
    output.push_back("... " + std::to_string(remaining) + " more item" + (remaining > 1 ? "s" : ""));
  }

  const std::size_t entries = output.size();
  if (entries > 6) output = group_array_elements(output, 2, has_more);
  std::string array;
  if (entries == output.size() && fits_on_one_line(output, output.size() + 2 + 1 + 10)) {
    array = "[ ";
    for (std::size_t i = 0; i < output.size(); ++i) array += (i ? ", " : "") + output[i];
    array += " ]";
  } else {
    array = "[\n    ";
    for (std::size_t i = 0; i < output.size(); ++i) array += (i ? ",\n    " : "") + output[i];
    array += "\n  ]";
  }
  const std::string property = "rules: " + array;
  if (property.find('\n') == std::string::npos && fits_on_one_line({property}, 1 + 1 + 10))
    return "BlockList { " + property + " }";
  return "BlockList {\n  " + property + "\n}";
}

BlockList::Key BlockList::key_of(const SocketAddress& address) noexcept {
  std::array<std::uint8_t, 16> bytes{};
  const auto raw = address.bytes();
  std::copy(raw.begin(), raw.end(), bytes.begin());
  return key_of(address.is_ipv6(), bytes);
}

BlockList::Key BlockList::key_of(bool ipv6, const std::array<std::uint8_t, 16>& bytes) noexcept {
  auto load64 = [&bytes](std::size_t at) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) v = v << 8 | bytes[at + i];
    return v;
  };
  if (!ipv6) {
    const std::uint64_t v4 = std::uint64_t{bytes[0]} << 24 | std::uint64_t{bytes[1]} << 16 |
                             std::uint64_t{bytes[2]} << 8 | bytes[3];
    return {0, kMappedFirst | v4};
  }
  return {load64(0), load64(8)};
}

void BlockList::add_to_index(const Rule& rule, Index& index, bool keep_sorted) {
  auto add_ipv4 = [&](Key first, Key last) {
    // IPv4 queries only ever hit the IPv4-mapped block.
    const Key block_first{0, kMappedFirst}, block_last{0, kMappedLast};
    first = std::max(first, block_first);
    last = std::min(last, block_last);
    if (last < first) return;
    Interval<std::uint32_t> interval{static_cast<std::uint32_t>(first.low),
                                     static_cast<std::uint32_t>(last.low)};
    if (keep_sorted)
      insert_merged(index.ipv4, interval);
    else
      index.ipv4.push_back(interval);
  };
  auto add_ipv6 = [&](Key first, Key last) {
    if (last < first) return;
    if (keep_sorted)
      insert_merged(index.ipv6, Interval<Key>{first, last});
    else
      index.ipv6.push_back({first, last});
  };
  const Key first = key_of(rule.first);
  switch (rule.kind) {
    case RuleKind::Address:
      add_ipv4(first, first);
      add_ipv6(first, first);
      return;
    case RuleKind::Subnet: {
      // Node matches a subnet across families through the mapped form, so a
      // subnet is one interval of keys whichever family it or the query has.
      const int bits = rule.first.is_ipv6() ? rule.prefix : 96 + rule.prefix;
      auto mask_for = [](int prefix_bits) -> std::uint64_t {
        if (prefix_bits <= 0) return 0;
        if (prefix_bits >= 64) return ~std::uint64_t{0};
        return ~std::uint64_t{0} << (64 - prefix_bits);
      };
      const std::uint64_t high_mask = mask_for(bits), low_mask = mask_for(bits - 64);
      const Key low{first.high & high_mask, first.low & low_mask};
      const Key high{first.high | ~high_mask, first.low | ~low_mask};
      add_ipv4(low, high);
      add_ipv6(low, high);
      return;
    }
    case RuleKind::Range: {
      // Node's range test is `query >= start && query <= end`, where comparing
      // an IPv4 address with a non-mapped IPv6 one is false. So a range whose
      // ends are IPv4 or mapped behaves as plain keys; a range with a
      // non-mapped IPv6 end never matches IPv4 queries; and a range mixing an
      // IPv4 end with a non-mapped IPv6 end matches only mapped IPv6 queries.
      const Key last = key_of(*rule.last);
      const bool first_v4_like = !rule.first.is_ipv6() || is_mapped(first);
      const bool last_v4_like = !rule.last->is_ipv6() || is_mapped(last);
      if (first_v4_like && last_v4_like) {
        add_ipv4(first, last);
        add_ipv6(first, last);
      } else if (rule.first.is_ipv6() && rule.last->is_ipv6()) {
        add_ipv6(first, last);
      } else {
        add_ipv6(std::max(first, Key{0, kMappedFirst}), std::min(last, Key{0, kMappedLast}));
      }
      return;
    }
  }
}

void BlockList::add_rule(Rule rule) {
  rules_.push_back(std::move(rule));
}

const BlockList::Index& BlockList::current_index() const {
  const std::size_t total = rules_.size();
  if (indexed_rules_.load(std::memory_order_acquire) == total) return index_;
  std::lock_guard lock(index_mutex_);
  const std::size_t done = indexed_rules_.load(std::memory_order_relaxed);
  if (done != total) {
    // A few new rules go straight into the sorted intervals; many new rules
    // make one sort cheaper than many inserts.
    constexpr std::size_t kMaxIncremental = 16;
    if (done != 0 && total - done <= kMaxIncremental) {
      for (std::size_t i = done; i < total; ++i) add_to_index(rules_[i], index_, true);
    } else {
      Index fresh;
      fresh.ipv4.reserve(total);
      fresh.ipv6.reserve(total);
      for (const Rule& rule : rules_) add_to_index(rule, fresh, false);
      sort_and_merge(fresh.ipv4);
      sort_and_merge(fresh.ipv6);
      fresh.ipv4.shrink_to_fit();
      fresh.ipv6.shrink_to_fit();
      index_ = std::move(fresh);
    }
    indexed_rules_.store(total, std::memory_order_release);
  }
  return index_;
}

bool BlockList::lookup(bool ipv6, const Key& key) const {
  const Index& index = current_index();
  if (!ipv6) return contains(index.ipv4, static_cast<std::uint32_t>(key.low));
  return contains(index.ipv6, key);
}

}  // namespace berth::net
