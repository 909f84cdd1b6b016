// Node's test/parallel/test-net-better-error-messages-port-hostname.js: a lookup
// failing with ENOTFOUND is emitted as the socket's 'error' as the lookup gave it
// (code, syscall, hostname, message), without `port` or `host`, and no 'connect'.
// Node's mock sets `errno` to the string 'ENOTFOUND'; berth's errnum is a number, so
// that one field is not compared.
#include "common.hpp"

namespace test_net_better_error_messages_port_hostname {
using namespace berth;
using namespace berth::node_test;

// common/dns.js errorLookupMock(): fails every lookup with ENOTFOUND from getaddrinfo.
inline LookupFunction errorLookupMock(std::string code = "ENOTFOUND", std::string syscall = "getaddrinfo") {
  return [code, syscall](const std::string& hostname, const LookupOptions&, LookupCallback cb) {
    Error err(code, syscall + " " + code + " " + hostname);
    err.syscall = syscall;
    err.hostname = hostname;
    cb(err, {});
  };
}

TEST_CASE("test-net-better-error-messages-port-hostname", "[node]") {
  Common common;
  const std::string INVALID_HOST = "something.invalid";
  auto c = net::createConnection(net::ConnectOptions{.port = 0, .host = INVALID_HOST, .lookup = common.mustCall(errorLookupMock())});
  c->on(net::events::connect, common.mustNotCall());
  c->on(net::events::error, common.mustCall([&](const Error& error) {
    CHECK_FALSE(error.port);
    CHECK_FALSE(error.host);
    CHECK(error.code == "ENOTFOUND");
    CHECK(static_cast<int>(error.kind) == static_cast<int>(ErrorKind::Error));
    CHECK(error.message == "getaddrinfo ENOTFOUND something.invalid");
    CHECK(error.hostname == std::optional<std::string>(INVALID_HOST));
    CHECK(error.syscall == "getaddrinfo");
  }));
  common.run();
}

}  // namespace test_net_better_error_messages_port_hostname
