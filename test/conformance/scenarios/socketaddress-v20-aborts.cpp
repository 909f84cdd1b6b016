// Inputs on which Node v20.20.2 aborts the process in a C++ assertion: a port given as
// a numeric string and a flow label of 2**20 or more. berth throws instead, as a
// deliberate difference (README.md, "Pinned Node quirks").
#include "trace.hpp"

using namespace conf;
using Options = net::SocketAddressOptions;

void scenario() {
  try {
    line("{port:\"80\"}", "ok", net::SocketAddress(Options{.port = "80"}).port());
  } catch (const Error& e) {
    line("{port:\"80\"}", "throws", err(e));
  }
  try {
    line("{flowlabel:2**20}", "ok",
         net::SocketAddress(Options{.address = "::1", .family = "ipv6", .flowlabel = 1 << 20}).flowlabel());
  } catch (const Error& e) {
    line("{flowlabel:2**20}", "throws", err(e));
  }
}
