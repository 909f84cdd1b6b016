// BlockList: rule strings (newest first, as given, IPv6 compressed), check() with
// inclusive ranges, IPv4-mapped matching both ways, case-insensitive families,
// validation errors, and SocketAddress arguments.
#include "trace.hpp"

using namespace conf;

template <class B>
constexpr bool subnet_takes_string_prefix = requires(B& b) { b.addSubnet("1.1.1.0", "8"); };
template <class B>
constexpr bool check_takes_int = requires(B& b) { b.check(1); };
template <class B>
constexpr bool has_isBlockList = requires { &B::isBlockList; };
template <class B>
constexpr bool has_addAddresses = requires { &B::addAddresses; };
template <class B>
constexpr bool has_toJSON = requires { &B::toJSON; };
template <class B>
constexpr bool has_fromJSON = requires { &B::fromJSON; };

static std::string json(const std::vector<std::string>& v) {
  std::string out = "[";
  for (auto& s : v) out += (out.size() > 1 ? "," : "") + q(s);
  return out + "]";
}

static net::SocketAddress sa(std::string address, std::string family = "ipv4") {
  return net::SocketAddress(net::SocketAddressOptions{.address = std::move(address), .family = std::move(family)});
}

void scenario() {
  net::BlockList bl;
  bl.addAddress("123.123.123.123");
  bl.addAddress("::1", "ipv6");
  bl.addRange("10.0.0.1", "10.0.0.10");
  bl.addRange("8592:757c:efae:4e45::", "8592:757c:efae:4e45::f", "ipv6");
  bl.addSubnet("192.168.0.0", 16);
  bl.addSubnet("8592:757c:efae:4e45::", 64, "ipv6");
  line("rules", json(bl.rules()));
  line("inspect", q(bl.inspect()));

  const std::pair<const char*, const char*> checks[] = {
      {"123.123.123.123", nullptr}, {"123.123.123.124", nullptr}, {"10.0.0.1", nullptr}, {"10.0.0.10", nullptr},
      {"10.0.0.11", nullptr}, {"10.0.0.5", nullptr}, {"192.168.255.255", nullptr}, {"192.169.0.0", nullptr},
      {"::1", "ipv6"}, {"::1", nullptr}, {"::2", "ipv6"}, {"8592:757c:efae:4e45::5", "ipv6"},
      {"8592:757c:efae:4e45:1::", "ipv6"}, {"8592:757c:efae:4e45:ffff:ffff:ffff:ffff", "ipv6"},
      {"::ffff:123.123.123.123", "ipv6"}, {"::ffff:7b7b:7b7b", "ipv6"}, {"::ffff:10.0.0.5", "ipv6"},
      {"::ffff:192.168.1.1", "ipv6"}, {"123.123.123.123", "ipv6"}, {"123.123.123.123", "IPV4"},
  };
  for (auto [a, f] : checks)
    line("check(" + std::string(a) + (f ? std::string(", ") + f : "") + ")", f ? bl.check(a, f) : bl.check(a));

  net::BlockList b6;
  b6.addAddress("::ffff:1.1.1.1", "ipv6");
  b6.addSubnet("::ffff:2.2.2.0", 120, "ipv6");
  line("mapped rules: check(1.1.1.1)", b6.check("1.1.1.1"), "check(2.2.2.7)", b6.check("2.2.2.7"),
       "check(::ffff:1.1.1.1, ipv6)", b6.check("::ffff:1.1.1.1", "ipv6"));
  net::BlockList b4;
  b4.addSubnet("1.1.1.0", 24);
  line("v4 subnet: check(::ffff:1.1.1.9, ipv6)", b4.check("::ffff:1.1.1.9", "ipv6"), "check(::ffff:0101:0109, ipv6)",
       b4.check("::ffff:0101:0109", "ipv6"), "check(::1.1.1.9, ipv6)", b4.check("::1.1.1.9", "ipv6"));

  net::BlockList e;
  attempt("addAddress(\"1.1.1.1\", \"ipv5\")", [&] { e.addAddress("1.1.1.1", "ipv5"); });
  attempt("addAddress(\"not-an-ip\")", [&] { e.addAddress("not-an-ip"); });
  attempt("addAddress(\"::1\")", [&] { e.addAddress("::1"); });
  attempt("addRange(\"10.0.0.10\", \"10.0.0.1\")", [&] { e.addRange("10.0.0.10", "10.0.0.1"); });
  attempt("addSubnet(\"1.1.1.0\", 33)", [&] { e.addSubnet("1.1.1.0", 33); });
  attempt("addSubnet(\"1.1.1.0\", -1)", [&] { e.addSubnet("1.1.1.0", -1); });
  attempt("addSubnet(\"::\", 129, \"ipv6\")", [&] { e.addSubnet("::", 129, "ipv6"); });
  line("check(\"bad\")", e.check("bad"), "check(\"1.1.1.1\", \"bogus\")", e.check("1.1.1.1", "bogus"));

  net::BlockList x;
  x.addSubnet("1.1.1.77", 24);
  x.addAddress("1.1.1.1");
  x.addAddress("1.1.1.1");
  x.addAddress("0000:0000::0001", "ipv6");
  x.addAddress("FE80::A", "IPv6");
  x.addRange(sa("10.0.0.1"), sa("10.0.0.9"));
  x.addSubnet(sa("10.1.2.3"), 8);
  x.addAddress(sa("::2", "ipv6"));
  line("more rules", json(x.rules()));
  line("check(1.1.2.1)", x.check("1.1.2.1"), "check(fe80::a, IPV6)", x.check("fe80::a", "IPV6"),
       "check(SocketAddress 10.0.0.5)", x.check(sa("10.0.0.5")));
  rejects("addSubnet(\"1.1.1.0\", \"8\")", "ERR_INVALID_ARG_TYPE", subnet_takes_string_prefix<net::BlockList>);
  rejects("check(1)", "ERR_INVALID_ARG_TYPE", check_takes_int<net::BlockList>);
  has("BlockList.isBlockList", has_isBlockList<net::BlockList>);
  has("addAddresses", has_addAddresses<net::BlockList>);
  has("toJSON", has_toJSON<net::BlockList>);
  has("fromJSON", has_fromJSON<net::BlockList>);
}
