#include "berth/is_ip.hpp"

#include <catch2/catch.hpp>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using berth::net::isIP;
using berth::net::isIPv4;
using berth::net::isIPv6;

namespace {

struct Case {
  std::string_view input;
  int expected;  // what net.isIP returns in Node v20
};

// Behaviour 87: dotted IPv4 must be strict.
const Case kStrictIPv4[] = {
    {"127.0.0.1", 4}, {"0.0.0.0", 4}, {"255.255.255.255", 4}, {"256.0.0.1", 0},
    {"1.2.3", 0}, {"1.2.3.4.5", 0}, {"01.2.3.4", 0}, {"1.02.3.4", 0}, {"001.2.3.4", 0},
    {"0.0.0.00", 0}, {"1.2.3.04", 0}, {" 1.2.3.4", 0}, {"1.2.3.4 ", 0}, {"1.2.3.4\n", 0},
    {"0x7f.0.0.1", 0}, {"127.1", 0}, {"1.2.3.-4", 0}, {"+1.2.3.4", 0}, {"1..3.4", 0},
    {"127.000.000.001", 0}, {"127.0.0.1/24", 0}, {"fhqwhgads", 0},
    {std::string_view("127.0.0.1\0", 10), 0},
};

// Behaviour 88: zone ids, and what is not an address.
const Case kZones[] = {
    {"fe80::1%eth0", 6}, {"fe80::1%1", 6}, {"::1%lo", 6}, {"1:2:3:4:5:6:7:8%eth0", 6},
    {"fe80::1%", 0}, {"fe80::1%eth0%x", 0}, {"[::1]", 0}, {"::/0", 0}, {"1::2::3", 0},
    {"fe80::1%a-b.c:d", 6}, {"fe80::1%eth 0", 0}, {"fe80::1%eth_0", 0}, {"%eth0", 0},
    {"1.2.3.4%eth0", 0}, {"::ffff:1.2.3.4%eth0", 6},
};

// Behaviour 89: embedded IPv4 and case.
const Case kEmbeddedIPv4[] = {
    {"::ffff:127.0.0.1", 6}, {"::127.0.0.1", 6}, {"1:2:3:4:5:6:1.2.3.4", 6},
    {"::ffff:01.2.3.4", 0}, {"::ffff:256.1.1.1", 0}, {"1:2:3:4:5:6:7:1.2.3.4", 0},
    {"FE80::ABCD", 6}, {"::ffff:7f00:1", 6}, {"1:2:3:4:5:6::1.2.3.4", 0},
    {"1:2:3:4:5::1.2.3.4", 6}, {"::1.2.3.4:5", 0}, {"1.2.3.4::", 0},
};

// The rest of the probe (node-probes/isip.js).
const Case kProbe[] = {
    {"::", 6}, {"::1", 6}, {"fe80:0000:0000:0000:0000:0000:0000:0001", 6},
    {"1:2:3:4:5:6:7:8", 6}, {"1:2:3:4:5:6:7:8:9", 0}, {"1:2:3:4:5:6:7::", 6},
    {"::2:3:4:5:6:7:8", 6}, {"12345::", 0}, {"", 0}, {"localhost", 0}, {"example.com", 0},
    {"1.2.3.4/24", 0},
};

// Node's test/parallel/test-net-isip.js.
const Case kNodeIsIP[] = {
    {"127.0.0.1", 4}, {"x127.0.0.1", 0}, {"example.com", 0},
    {"0000:0000:0000:0000:0000:0000:0000:0000", 6},
    {"0000:0000:0000:0000:0000:0000:0000:0000::0000", 0}, {"1050:0:0:0:5:600:300c:326b", 6},
    {"2001:252:0:1::2008:6", 6}, {"2001:dead:beef:1::2008:6", 6}, {"2001::", 6},
    {"2001:dead::", 6}, {"2001:dead:beef::", 6}, {"2001:dead:beef:1::", 6},
    {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 6}, {":2001:252:0:1::2008:6:", 0},
    {":2001:252:0:1::2008:6", 0}, {"2001:252:0:1::2008:6:", 0}, {"2001:252::1::2008:6", 0},
    {"::2001:252:1:2008:6", 6}, {"::2001:252:1:1.1.1.1", 6}, {"::2001:252:1:255.255.255.255", 6},
    {"::2001:252:1:255.255.255.255.76", 0}, {"::anything", 0}, {"::1", 6}, {"::", 6},
    {"0000:0000:0000:0000:0000:0000:12345:0000", 0}, {"0", 0}, {"", 0}, {"bla", 0},
};

// Node's test/parallel/test-net-isipv4.js.
const Case kNodeIPv4[] = {
    {"0.0.0.0", 4}, {"8.8.8.8", 4}, {"127.0.0.1", 4}, {"100.100.100.100", 4},
    {"192.168.0.1", 4}, {"18.101.25.153", 4}, {"123.23.34.2", 4}, {"172.26.168.134", 4},
    {"212.58.241.131", 4}, {"128.0.0.0", 4}, {"23.71.254.72", 4}, {"223.255.255.255", 4},
    {"192.0.2.235", 4}, {"99.198.122.146", 4}, {"46.51.197.88", 4}, {"173.194.34.134", 4},
    {".100.100.100.100", 0}, {"100..100.100.100.", 0}, {"100.100.100.100.", 0},
    {"999.999.999.999", 0}, {"256.256.256.256", 0}, {"256.100.100.100.100", 0},
    {"123.123.123", 0}, {"http://123.123.123", 0}, {"1000.2.3.4", 0}, {"999.2.3.4", 0},
    {"0000000192.168.0.200", 0}, {"192.168.0.2000000000", 0},
};

// Node's test/parallel/test-net-isipv6.js.
const Case kNodeIPv6[] = {
    {"::", 6}, {"1::", 6}, {"::1", 6}, {"1::8", 6}, {"1::7:8", 6}, {"1:2:3:4:5:6:7:8", 6},
    {"1:2:3:4:5:6::8", 6}, {"1:2:3:4:5:6:7::", 6}, {"1:2:3:4:5::7:8", 6}, {"1:2:3:4:5::8", 6},
    {"1:2:3::8", 6}, {"1::4:5:6:7:8", 6}, {"1::6:7:8", 6}, {"1::3:4:5:6:7:8", 6},
    {"1:2:3:4::6:7:8", 6}, {"1:2::4:5:6:7:8", 6}, {"::2:3:4:5:6:7:8", 6}, {"1:2::8", 6},
    {"2001:0000:1234:0000:0000:C1C0:ABCD:0876", 6}, {"3ffe:0b00:0000:0000:0001:0000:0000:000a", 6},
    {"FF02:0000:0000:0000:0000:0000:0000:0001", 6}, {"0000:0000:0000:0000:0000:0000:0000:0001", 6},
    {"0000:0000:0000:0000:0000:0000:0000:0000", 6}, {"::ffff:192.168.1.26", 6}, {"2::10", 6},
    {"ff02::1", 6}, {"fe80::", 6}, {"2002::", 6}, {"2001:db8::", 6}, {"2001:0db8:1234::", 6},
    {"::ffff:0:0", 6}, {"::ffff:192.168.1.1", 6}, {"1:2:3:4::8", 6}, {"1::2:3:4:5:6:7", 6},
    {"1::2:3:4:5:6", 6}, {"1::2:3:4:5", 6}, {"1::2:3:4", 6}, {"1::2:3", 6},
    {"::2:3:4:5:6:7", 6}, {"::2:3:4:5:6", 6}, {"::2:3:4:5", 6}, {"::2:3:4", 6}, {"::2:3", 6},
    {"::8", 6}, {"1:2:3:4:5:6::", 6}, {"1:2:3:4:5::", 6}, {"1:2:3:4::", 6}, {"1:2:3::", 6},
    {"1:2::", 6}, {"1:2:3:4::7:8", 6}, {"1:2:3::7:8", 6}, {"1:2::7:8", 6},
    {"1:2:3:4:5:6:1.2.3.4", 6}, {"1:2:3:4:5::1.2.3.4", 6}, {"1:2:3:4::1.2.3.4", 6},
    {"1:2:3::1.2.3.4", 6}, {"1:2::1.2.3.4", 6}, {"1::1.2.3.4", 6}, {"1:2:3:4::5:1.2.3.4", 6},
    {"1:2:3::5:1.2.3.4", 6}, {"1:2::5:1.2.3.4", 6}, {"1::5:1.2.3.4", 6}, {"1::5:11.22.33.44", 6},
    {"fe80::217:f2ff:254.7.237.98", 6}, {"fe80::217:f2ff:fe07:ed62", 6},
    {"2001:DB8:0:0:8:800:200C:417A", 6}, {"FF01:0:0:0:0:0:0:101", 6}, {"0:0:0:0:0:0:0:1", 6},
    {"0:0:0:0:0:0:0:0", 6}, {"2001:DB8::8:800:200C:417A", 6}, {"FF01::101", 6},
    {"0:0:0:0:0:0:13.1.68.3", 6}, {"0:0:0:0:0:FFFF:129.144.52.38", 6}, {"::13.1.68.3", 6},
    {"::FFFF:129.144.52.38", 6}, {"fe80:0000:0000:0000:0204:61ff:fe9d:f156", 6},
    {"fe80:0:0:0:204:61ff:fe9d:f156", 6}, {"fe80::204:61ff:fe9d:f156", 6},
    {"fe80:0:0:0:204:61ff:254.157.241.86", 6}, {"fe80::204:61ff:254.157.241.86", 6},
    {"fe80::1", 6}, {"2001:0db8:85a3:0000:0000:8a2e:0370:7334", 6},
    {"2001:db8:85a3:0:0:8a2e:370:7334", 6}, {"2001:db8:85a3::8a2e:370:7334", 6},
    {"2001:0db8:0000:0000:0000:0000:1428:57ab", 6}, {"2001:0db8:0000:0000:0000::1428:57ab", 6},
    {"2001:0db8:0:0:0:0:1428:57ab", 6}, {"2001:0db8:0:0::1428:57ab", 6},
    {"2001:0db8::1428:57ab", 6}, {"2001:db8::1428:57ab", 6}, {"::ffff:12.34.56.78", 6},
    {"::ffff:0c22:384e", 6}, {"2001:0db8:1234:0000:0000:0000:0000:0000", 6},
    {"2001:0db8:1234:ffff:ffff:ffff:ffff:ffff", 6}, {"2001:db8:a::123", 6},
    {"::ffff:192.0.2.128", 6}, {"::ffff:c000:280", 6}, {"a:b:c:d:e:f:f1:f2", 6},
    {"a:b:c::d:e:f:f1", 6}, {"a:b:c::d:e:f", 6}, {"a:b:c::d:e", 6}, {"a:b:c::d", 6},
    {"::a", 6}, {"::a:b:c", 6}, {"::a:b:c:d:e:f:f1", 6}, {"a::", 6}, {"a:b:c::", 6},
    {"a:b:c:d:e:f:f1::", 6}, {"a:bb:ccc:dddd:000e:00f:0f::", 6}, {"0:a:0:a:0:0:0:a", 6},
    {"0:a:0:0:a:0:0:a", 6}, {"2001:db8:1:1:1:1:0:0", 6}, {"2001:db8:1:1:1:0:0:0", 6},
    {"2001:db8:1:1:0:0:0:0", 6}, {"2001:db8:1:0:0:0:0:0", 6}, {"2001:db8:0:0:0:0:0:0", 6},
    {"2001:0:0:0:0:0:0:0", 6}, {"A:BB:CCC:DDDD:000E:00F:0F::", 6}, {"0:0:0:0:0:0:0:a", 6},
    {"0:0:0:0:a:0:0:0", 6}, {"0:0:0:a:0:0:0:0", 6}, {"a:0:0:a:0:0:a:a", 6},
    {"a:0:0:a:0:0:0:a", 6}, {"a:0:0:0:a:0:0:a", 6}, {"a:0:0:0:a:0:0:0", 6},
    {"a:0:0:0:0:0:0:0", 6}, {"fe80::7:8%eth0", 6}, {"fe80::7:8%1", 6},
    {"1:", 0}, {":1", 0}, {"11:36:12", 0}, {"02001:0000:1234:0000:0000:C1C0:ABCD:0876", 0},
    {"2001:0000:1234:0000:00001:C1C0:ABCD:0876", 0}, {"2001:0000:1234: 0000:0000:C1C0:ABCD:0876", 0},
    {"2001:1:1:1:1:1:255Z255X255Y255", 0}, {"3ffe:0b00:0000:0001:0000:0000:000a", 0},
    {"FF02:0000:0000:0000:0000:0000:0000:0000:0001", 0}, {"3ffe:b00::1::a", 0},
    {"::1111:2222:3333:4444:5555:6666::", 0}, {"1:2:3::4:5::7:8", 0}, {"12345::6:7:8", 0},
    {"1::5:400.2.3.4", 0}, {"1::5:260.2.3.4", 0}, {"1::5:256.2.3.4", 0}, {"1::5:1.256.3.4", 0},
    {"1::5:1.2.256.4", 0}, {"1::5:1.2.3.256", 0}, {"1::5:300.2.3.4", 0}, {"1::5:1.300.3.4", 0},
    {"1::5:1.2.300.4", 0}, {"1::5:1.2.3.300", 0}, {"1::5:900.2.3.4", 0}, {"1::5:1.900.3.4", 0},
    {"1::5:1.2.900.4", 0}, {"1::5:1.2.3.900", 0}, {"1::5:300.300.300.300", 0},
    {"1::5:3000.30.30.30", 0}, {"1::400.2.3.4", 0}, {"1::260.2.3.4", 0}, {"1::256.2.3.4", 0},
    {"1::1.256.3.4", 0}, {"1::1.2.256.4", 0}, {"1::1.2.3.256", 0}, {"1::300.2.3.4", 0},
    {"1::1.300.3.4", 0}, {"1::1.2.300.4", 0}, {"1::1.2.3.300", 0}, {"1::900.2.3.4", 0},
    {"1::1.900.3.4", 0}, {"1::1.2.900.4", 0}, {"1::1.2.3.900", 0}, {"1::300.300.300.300", 0},
    {"1::3000.30.30.30", 0}, {"::400.2.3.4", 0}, {"::260.2.3.4", 0}, {"::256.2.3.4", 0},
    {"::1.256.3.4", 0}, {"::1.2.256.4", 0}, {"::1.2.3.256", 0}, {"::300.2.3.4", 0},
    {"::1.300.3.4", 0}, {"::1.2.300.4", 0}, {"::1.2.3.300", 0}, {"::900.2.3.4", 0},
    {"::1.900.3.4", 0}, {"::1.2.900.4", 0}, {"::1.2.3.900", 0}, {"::300.300.300.300", 0},
    {"::3000.30.30.30", 0}, {"2001:DB8:0:0:8:800:200C:417A:221", 0}, {"FF01::101::2", 0},
    {"1111:2222:3333:4444::5555:", 0}, {"1111:2222:3333::5555:", 0}, {"1111:2222::5555:", 0},
    {"1111::5555:", 0}, {"::5555:", 0}, {":::", 0}, {"1111:", 0}, {":", 0},
    {":1111:2222:3333:4444::5555", 0}, {":1111:2222:3333::5555", 0}, {":1111:2222::5555", 0},
    {":1111::5555", 0}, {":::5555", 0}, {"1.2.3.4:1111:2222:3333:4444::5555", 0},
    {"1.2.3.4:1111:2222:3333::5555", 0}, {"1.2.3.4:1111:2222::5555", 0},
    {"1.2.3.4:1111::5555", 0}, {"1.2.3.4::5555", 0}, {"1.2.3.4::", 0},
    {"fe80:0000:0000:0000:0204:61ff:254.157.241.086", 0}, {"123", 0}, {"ldkfj", 0},
    {"2001::FFD3::57ab", 0}, {"2001:db8:85a3::8a2e:37023:7334", 0},
    {"2001:db8:85a3::8a2e:370k:7334", 0}, {"1:2:3:4:5:6:7:8:9", 0}, {"1::2::3", 0},
    {"1:::3:4:5", 0}, {"1:2:3::4:5:6:7:8:9", 0}, {"::ffff:2.3.4", 0}, {"::ffff:257.1.2.3", 0},
    {"::ffff:12345678901234567890.1.26", 0}, {"2001:0000:1234:0000:0000:C1C0:ABCD:0876 0", 0},
};

template <std::size_t N>
void check_table(const Case (&table)[N]) {
  for (const Case& c : table) {
    INFO("input: \"" << std::string(c.input) << "\"");
    CHECK(isIP(c.input) == c.expected);
    CHECK(isIPv4(c.input) == (c.expected == 4));
    CHECK(isIPv6(c.input) == (c.expected == 6));
  }
}

// ---- differential check against node ------------------------------------

std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c >= 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

// Runs a node script and returns its output lines, or nothing if node is absent.
std::optional<std::vector<std::string>> run_node(const std::string& script) {
  if (std::system("node --version > /dev/null 2>&1") != 0) return std::nullopt;
  const auto path = std::filesystem::temp_directory_path() /
                    ("berth-isip-" + std::to_string(std::random_device{}()) + ".js");
  std::ofstream(path) << script;
  std::vector<std::string> lines;
  if (FILE* pipe = ::popen(("node " + path.string()).c_str(), "r")) {
    std::string line;
    for (int c; (c = std::fgetc(pipe)) != EOF;) {
      if (c == '\n') {
        lines.push_back(line);
        line.clear();
      } else {
        line += static_cast<char>(c);
      }
    }
    ::pclose(pipe);
  }
  std::filesystem::remove(path);
  return lines;
}

// Address-like noise: hex and decimal groups, colons, dots, zones, stray bytes.
std::vector<std::string> random_inputs(std::size_t count) {
  std::mt19937 rng(20240611);
  auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const char* pieces[] = {":", "::", ".", "%", "0", "00", "1", "01", "9", "10", "25", "255",
                          "256", "300", "ff", "FFFF", "abcd", "12345", "ffff", "g", "-", " ",
                          "eth0", "lo", "[", "]", "/", "1.2.3.4", "::ffff:", "\n", "+", "x"};
  std::vector<std::string> out;
  while (out.size() < count) {
    std::string s;
    const int length = 1 + pick(14);
    for (int i = 0; i < length; ++i) s += pieces[pick(static_cast<int>(std::size(pieces)))];
    out.push_back(s);
    // Also near-misses of valid addresses: one character changed or dropped.
    if (pick(3) == 0) {
      static const char* valid[] = {"1:2:3:4:5:6:7:8", "::ffff:10.0.0.1", "fe80::1%eth0",
                                    "192.168.100.200", "1::", "::1.2.3.4", "a:b::c:d"};
      std::string v = valid[pick(static_cast<int>(std::size(valid)))];
      const auto at = static_cast<std::size_t>(pick(static_cast<int>(v.size())));
      if (pick(2) == 0)
        v.erase(at, 1);
      else
        v[at] = "0:.%f9"[pick(6)];
      out.push_back(v);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("isIP accepts only strict dotted-decimal IPv4 (behaviour 87)", "[is_ip]") {
  check_table(kStrictIPv4);
}

TEST_CASE("isIP accepts IPv6 zone ids of letters, digits, '-', '.' and ':' (behaviour 88)", "[is_ip]") {
  check_table(kZones);
}

TEST_CASE("isIP accepts an IPv4 tail only where two groups fit, in any case (behaviour 89)", "[is_ip]") {
  check_table(kEmbeddedIPv4);
}

TEST_CASE("isIP agrees with the rest of the isip probe", "[is_ip]") {
  check_table(kProbe);
}

TEST_CASE("isIP passes Node's test-net-isip.js, test-net-isipv4.js and test-net-isipv6.js", "[is_ip]") {
  check_table(kNodeIsIP);
  check_table(kNodeIPv4);
  check_table(kNodeIPv6);
}

TEST_CASE("isIP takes text only: the caller does Node's String() conversion (behaviour 90)", "[is_ip]") {
  // String(['127.0.0.1']) and a Buffer's toString() are the text itself;
  // String(undefined), String(null), String(127) and String({}) are not addresses.
  CHECK(isIP(std::string("127.0.0.1")) == 4);
  for (std::string_view s : {"undefined", "null", "127", "[object Object]"}) CHECK(isIP(s) == 0);
}

TEST_CASE("parse_ipv4 and parse_ipv6 decode to network byte order", "[is_ip]") {
  std::array<std::uint8_t, 4> quad{};
  REQUIRE(berth::detail::parse_ipv4("192.168.0.255", quad));
  CHECK(quad == std::array<std::uint8_t, 4>{192, 168, 0, 255});

  std::array<std::uint8_t, 16> bytes{};
  REQUIRE(berth::detail::parse_ipv6("1:203::ffff:1.2.3.4", bytes));
  CHECK(bytes == std::array<std::uint8_t, 16>{0, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4});
  REQUIRE(berth::detail::parse_ipv6("::", bytes));
  CHECK(bytes == std::array<std::uint8_t, 16>{});
  REQUIRE(berth::detail::parse_ipv6("ABCD::", bytes));
  CHECK(bytes == std::array<std::uint8_t, 16>{0xab, 0xcd});
  CHECK_FALSE(berth::detail::parse_ipv6("fe80::1%eth0", bytes));
}

TEST_CASE("isIP gives what node gives on every table entry and 20000 random strings", "[is_ip][node]") {
  std::vector<std::string> inputs;
  auto add = [&inputs](const auto& table) {
    for (const Case& c : table) inputs.emplace_back(c.input);
  };
  add(kStrictIPv4), add(kZones), add(kEmbeddedIPv4), add(kProbe);
  add(kNodeIsIP), add(kNodeIPv4), add(kNodeIPv6);
  for (auto& s : random_inputs(20000)) inputs.push_back(std::move(s));

  std::string script = "const net = require('net');\nconst inputs = [\n";
  for (const auto& s : inputs) script += json_quote(s) + ",\n";
  script += "];\nprocess.stdout.write(inputs.map((s) => net.isIP(s)).join('\\n') + '\\n');\n";
  const auto lines = run_node(script);
  if (!lines) {
    WARN("node is not on PATH: the differential check against Node's net.isIP was skipped");
    return;
  }
  REQUIRE(lines->size() == inputs.size());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (std::to_string(isIP(inputs[i])) == (*lines)[i]) continue;
    if (++mismatches <= 20) FAIL_CHECK("isIP(" << json_quote(inputs[i]) << ") = " << isIP(inputs[i])
                                                << ", node says " << (*lines)[i]);
  }
  CHECK(mismatches == 0);
}
