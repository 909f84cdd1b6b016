// A Unix path longer than sun_path. Node v20 truncates it silently; berth refuses it
// with ENAMETOOLONG, as a deliberate difference (README.md, "Pinned Node quirks").
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto p = tmp() + "/" + std::string(120, 'x') + ".sock";
  auto c = net::connect(p);
  c->on(net::events::error, [](const Error& e) { line("client error", err(e)); });
  c->on(net::events::close, [p] {
    auto s = net::createServer();
    s->on(net::events::error, [](const Error& e) { line("server error", err(e)); });
    s->on(net::events::close, [] { line("server close"); });
    s->listen(p, [s] {
      line("server listening address=" + serverAddress(s->address()));
      s->close();
    });
  });
}
