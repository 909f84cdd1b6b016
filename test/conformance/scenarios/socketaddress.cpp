// SocketAddress: defaults, toJSON key order, ipv6 default address, lowercased family,
// normalised address, inspect, and the validation errors (the family is never inferred).
#include "trace.hpp"

using namespace conf;
using Options = net::SocketAddressOptions;

template <class A>
constexpr bool has_parse = requires { &A::parse; };
template <class O>
constexpr bool flowlabel_takes_string = requires { O{.flowlabel = "1"}; };
template <class A>
constexpr bool constructs_from_int = std::is_constructible_v<A, int>;
template <class O>
constexpr bool address_takes_int = requires { O{.address = 1}; };

static std::string json(const net::SocketAddressJSON& j) {
  return "{\"address\":" + q(j.address) + ",\"port\":" + str(j.port) + ",\"family\":" + q(j.family) +
         ",\"flowlabel\":" + str(j.flowlabel) + "}";
}

static void show(std::string_view label, const net::SocketAddress& a) {
  line(label, a.address(), a.port(), a.family(), a.flowlabel(), json(a.toJSON()));
}

void scenario() {
  show("default", net::SocketAddress());
  net::SocketAddress s6(Options{.address = "::1", .family = "ipv6", .port = 8080, .flowlabel = 5});
  show("v6", s6);
  line("inspect", s6.inspect());
  show("family IPv6", net::SocketAddress(Options{.address = "::1", .family = "IPv6"}));
  show("family ipv6 only", net::SocketAddress(Options{.family = "ipv6"}));
  line("normalised", net::SocketAddress(Options{.address = "0000::0001", .family = "ipv6"}).address());
  line("flowlabel 2**20-1",
       net::SocketAddress(Options{.address = "::1", .family = "ipv6", .flowlabel = (1 << 20) - 1}).flowlabel());
  has("SocketAddress.parse", has_parse<net::SocketAddress>);

  attempt("{address:\"::1\"}", [] { net::SocketAddress(Options{.address = "::1"}); });
  attempt("{family:\"ipv5\"}", [] { net::SocketAddress(Options{.family = "ipv5"}); });
  attempt("{port:-1}", [] { net::SocketAddress(Options{.port = -1}); });
  attempt("{port:65536}", [] { net::SocketAddress(Options{.port = 65536}); });
  attempt("{port:1.5}", [] { net::SocketAddress(Options{.port = 1.5}); });
  attempt("{port:\"abc\"}", [] { net::SocketAddress(Options{.port = "abc"}); });
  attempt("{flowlabel:-1}", [] { net::SocketAddress(Options{.flowlabel = -1}); });
  attempt("{address:\"not-an-ip\"}", [] { net::SocketAddress(Options{.address = "not-an-ip"}); });
  attempt("{address:\"1.1.1.1\", family:\"ipv6\"}",
          [] { net::SocketAddress(Options{.address = "1.1.1.1", .family = "ipv6"}); });
  rejects("{flowlabel:\"1\"}", "ERR_INVALID_ARG_TYPE", flowlabel_takes_string<Options>);
  rejects("new SocketAddress(1)", "ERR_INVALID_ARG_TYPE", constructs_from_int<net::SocketAddress>);
  rejects("{address:1}", "ERR_INVALID_ARG_TYPE", address_takes_int<Options>);
}
