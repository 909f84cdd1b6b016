// Connecting to a missing path: ENOENT with the path as address and no port; to a
// regular file: ECONNREFUSED. An abstract name comes back with its leading NUL.
#include <fstream>

#include "trace.hpp"

using namespace conf;

static void abstract() {
  auto s = net::createServer();
  s->listen(std::string(1, '\0') + tmp() + "/abstract", [s] {
    line("abstract address=" + serverAddress(s->address()));
    s->close();
  });
}

void scenario() {
  auto missing = net::connect(tmp() + "/missing.sock");
  traceSocket(missing, "missing");
  missing->on(net::events::close, [] {
    auto f = tmp() + "/file";
    std::ofstream(f) << "x";
    auto file = net::connect(f);
    traceSocket(file, "file");
    file->on(net::events::close, [] { abstract(); });
  });
}
