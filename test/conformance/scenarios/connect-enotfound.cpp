// A host that does not resolve (the reserved .invalid TLD; a lookup only): 'lookup' with
// the error, then 'error' ENOTFOUND (hostname set, no address or port), then close(true).
// Its first label has 64 characters (DNS allows 63): getaddrinfo fails it without asking
// a DNS server, so it is ENOTFOUND offline too, at once.
#include "trace.hpp"

using namespace conf;

void scenario() {
  // Built in two steps: g++ 12 warns (-Warray-bounds, wrongly) on `std::string(64, 'a') + ".invalid"`.
  std::string host(64, 'a');
  host += ".invalid";
  auto c = net::connect(80, host);
  line("sync", state(*c));
  traceSocket(c, "C");
}
