// Spec example "Class: net.BlockList".
#include "trace.hpp"

using namespace conf;

void scenario() {
  net::BlockList blockList;
  blockList.addAddress("123.123.123.123");
  blockList.addRange("10.0.0.1", "10.0.0.10");
  blockList.addSubnet("8592:757c:efae:4e45::", 64, "ipv6");

  line(blockList.check("123.123.123.123"));  // Prints: true
  line(blockList.check("10.0.0.3"));  // Prints: true
  line(blockList.check("222.111.111.222"));  // Prints: false

  // IPv6 notation for IPv4 addresses works:
  line(blockList.check("::ffff:7b7b:7b7b", "ipv6"));  // Prints: true
  line(blockList.check("::ffff:123.123.123.123", "ipv6"));  // Prints: true
}
