// A host that does not resolve (the reserved .invalid TLD; a lookup only): 'lookup' with
// the error, then 'error' ENOTFOUND (hostname set, no address or port), then close(true).
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto c = net::connect(80, "no-such-host.invalid");
  line("sync", state(*c));
  traceSocket(c, "C");
}
