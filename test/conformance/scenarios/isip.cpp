// net.isIP / isIPv4 / isIPv6 on strict and malformed IPv4, IPv6 with zones and embedded
// IPv4, and non-string inputs (converted with String(); C++ converts at the call site).
#include "trace.hpp"

using namespace conf;

static const char* const cases[] = {
    "127.0.0.1", "0.0.0.0", "255.255.255.255", "256.0.0.1", "1.2.3", "1.2.3.4.5",
    "01.2.3.4", "1.02.3.4", "001.2.3.4", "0.0.0.00", "1.2.3.04", " 1.2.3.4", "1.2.3.4 ",
    "1.2.3.4\n", "0x7f.0.0.1", "127.1", "1.2.3.-4", "+1.2.3.4", "1..3.4",
    "::", "::1", "::ffff:127.0.0.1", "::ffff:7f00:1", "::127.0.0.1", "1::2::3",
    "fe80::1%eth0", "fe80::1%1", "fe80::1%", "fe80::1%eth0%x", "::1%lo", "FE80::ABCD",
    "fe80:0000:0000:0000:0000:0000:0000:0001", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::",
    "::2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::ffff:01.2.3.4", "::ffff:256.1.1.1",
    "[::1]", "12345::", "1:2:3:4:5:6:7:8%eth0", "", "localhost", "example.com", "1.2.3.4/24", "::/0",
};

static void show(std::string_view label, std::string_view v) {
  line(label, "isIP=" + str(net::isIP(v)) + " v4=" + str(net::isIPv4(v)) + " v6=" + str(net::isIPv6(v)));
}

void scenario() {
  for (const char* c : cases) show(q(c), c);
  // What String(x) gives for each of Node's non-string inputs.
  show("undefined", "undefined");
  show("null", "null");
  show("127", std::to_string(127));
  show("{}", "[object Object]");
  show("[\"127.0.0.1\"]", "127.0.0.1");
  show("{toString}", "127.0.0.1");
  auto buf = Buffer::from("127.0.0.1");
  show("Buffer", buf.view());
}
