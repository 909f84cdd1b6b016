// Node's test/parallel/test-net-connect-immediate-finish.js: end() right after
// connect() does not hide a lookup failure: 'error' ENOTFOUND comes once, as the
// lookup gave it (code, syscall, hostname, message), without `port` or `host`,
// and 'connect' never. Node's mock sets `errno` to the string 'ENOTFOUND'; berth's
// errnum is a number, so that one field is not compared.
#include "common.hpp"

namespace test_net_connect_immediate_finish {
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

TEST_CASE("test-net-connect-immediate-finish", "[node]") {
  Common common;
  const std::string INVALID_HOST = "something.invalid";
  auto client = net::connect(
      net::ConnectOptions{.port = 80, .host = INVALID_HOST, .lookup = common.mustCall(errorLookupMock())},
      common.mustNotCall());
  client->once(net::events::error, common.mustCall([&](const Error& error) {
    CHECK_FALSE(error.port);
    CHECK_FALSE(error.host);
    CHECK(error.code == "ENOTFOUND");
    CHECK(error.syscall == "getaddrinfo");
    CHECK(error.hostname == std::optional<std::string>(INVALID_HOST));
    CHECK(error.message == "getaddrinfo ENOTFOUND something.invalid");
  }));
  client->end();
  common.run();
}

}  // namespace test_net_connect_immediate_finish
