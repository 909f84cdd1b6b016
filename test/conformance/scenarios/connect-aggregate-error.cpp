// autoSelectFamily with a lookup answering ::1 and 127.0.0.1, nothing listening: each
// attempt fails ('connectionAttemptFailed' twice), then 'error' is an AggregateError
// (code of the first error, empty message) whose errors are the attempts' own, then
// close(true). The custom lookup makes it independent of /etc/hosts.
#include "trace.hpp"

using namespace conf;

namespace {
std::string hide_port(std::string text, int port) {
  const std::string p = std::to_string(port);
  for (auto at = text.find(p); at != std::string::npos; at = text.find(p, at + 4)) text.replace(at, p.size(), "PORT");
  return text;
}
}  // namespace

void scenario() {
  auto probe = net::createServer();
  probe->listen(0, "127.0.0.1", [probe] {
    int port = probe->address()->port;
    probe->close([port](const Error&) {
      net::ConnectOptions o;
      o.port = port;
      o.host = "localhost";
      o.autoSelectFamily = true;
      o.lookup = [](const std::string&, const berth::LookupOptions&, berth::LookupCallback cb) {
        setImmediate([cb] { cb(Error{}, {{"::1", 6}, {"127.0.0.1", 4}}); });
      };
      auto s = net::connect(o);
      s->on(net::events::connectionAttemptFailed, [port](const std::string& ip, int p, int family, const Error& e) {
        line("connectionAttemptFailed", ip, "family=" + str(family), e.code, "samePort=" + str(p == port));
      });
      s->on(net::events::error, [port](const Error& e) {
        line("error", hide_port(err(e), port));
        for (const auto& inner : e.errors) line("  inner", hide_port(err(inner), port));
      });
      s->on(net::events::close, [s, port](bool hadError) {
        std::string attempted;
        for (const auto& a : s->autoSelectFamilyAttemptedAddresses()) attempted += (attempted.empty() ? "" : ",") + a;
        line("close", hadError, "attempted", hide_port(attempted, port));
      });
    });
  });
}
