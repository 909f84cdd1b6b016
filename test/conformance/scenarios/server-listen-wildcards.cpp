// The listen() forms without a host bind port 0 on '::'; explicit hosts bind where asked.
#include "trace.hpp"

using namespace conf;

using Form = std::pair<std::string, std::function<void(net::Server&)>>;

static const std::vector<Form> forms = {
    {"listen()", [](net::Server& s) { s.listen(); }},
    {"listen(cb)", [](net::Server& s) { s.listen([] { line("listen(cb) callback"); }); }},
    {"listen(null)", [](net::Server& s) { s.listen(berth::PortValue(nullptr)); }},
    {"listen({port:undefined})", [](net::Server& s) { s.listen(net::ListenOptions{.port = berth::PortValue{}}); }},
    {"listen(\"0\")", [](net::Server& s) { s.listen("0"); }},
    {"listen(0,\"0.0.0.0\")", [](net::Server& s) { s.listen(0, "0.0.0.0"); }},
    {"listen(0,\"::1\")", [](net::Server& s) { s.listen(0, "::1"); }},
    {"listen(0,\"localhost\")", [](net::Server& s) { s.listen(0, "localhost"); }},
};

static void next(std::size_t i) {
  if (i == forms.size()) return;
  auto s = net::createServer();
  s->on(net::events::listening, [s, i] {
    line(forms[i].first, "address=" + serverAddress(s->address()));
    s->close([i](const Error&) { next(i + 1); });
  });
  try {
    forms[i].second(*s);
  } catch (const Error& e) {
    line(forms[i].first, "throws", err(e));
    next(i + 1);
  }
}

void scenario() { next(0); }
