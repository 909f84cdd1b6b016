// A custom lookup: the options net.connect passes it; a single result leaves
// autoSelectFamilyAttemptedAddresses undefined; with autoSelectFamily false a non-IP
// result is ERR_INVALID_IP_ADDRESS and family 5 is ERR_INVALID_ADDRESS_FAMILY; a lookup
// error is reported through 'lookup', then 'error', then close(true).
#include "trace.hpp"

using namespace conf;

static std::string attempted(const std::vector<std::string>& a) {
  if (a.empty()) return "undefined";  // Node leaves the property undefined
  std::string out;
  for (auto& x : a) out += (out.empty() ? "" : ",") + x;
  return out;
}

static void failing() {
  auto s = net::connect(net::ConnectOptions{
      .port = 80, .host = "x.invalid", .lookup = [](const std::string&, const berth::LookupOptions&, berth::LookupCallback cb) {
        setImmediate([cb] { cb(Error("ENOTFOUND", "nope"), {}); });
      }});
  traceSocket(s, "failing");
}

static void badFamily() {
  auto s = net::connect(net::ConnectOptions{
      .port = 80,
      .host = "x.invalid",
      .lookup = [](const std::string&, const berth::LookupOptions&,
                   berth::LookupCallback cb) { setImmediate([cb] { cb(Error(), {{"127.0.0.1", 5}}); }); },
      .autoSelectFamily = false});
  traceSocket(s, "badFamily");
  s->on(net::events::close, [] { failing(); });
}

static void notAnIp() {
  auto s = net::connect(net::ConnectOptions{
      .port = 80,
      .host = "x.invalid",
      .lookup = [](const std::string&, const berth::LookupOptions&,
                   berth::LookupCallback cb) { setImmediate([cb] { cb(Error(), {{"not-an-ip", 4}}); }); },
      .autoSelectFamily = false});
  traceSocket(s, "notAnIp");
  s->on(net::events::close, [] { badFamily(); });
}

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) { c->end(); });
  server->listen(0, "127.0.0.1", [server] {
    int port = server->address()->port;
    auto ok = net::connect(net::ConnectOptions{
        .port = port,
        .host = "custom.invalid",
        .lookup = [](const std::string& host, const berth::LookupOptions& options, berth::LookupCallback cb) {
          line("lookup called", host, "hints=" + str(options.hints) + " all=" + str(options.all));
          setImmediate([cb] { cb(Error(), {{"127.0.0.1", 4}}); });
        }});
    traceSocket(ok, "ok", {"data"});
    ok->on(net::events::connect,
           [ok] { line("ok autoSelectFamilyAttemptedAddresses", attempted(ok->autoSelectFamilyAttemptedAddresses())); });
    ok->resume();
    ok->on(net::events::close, [server] {
      server->close();
      notAnIp();
    });
  });
}
