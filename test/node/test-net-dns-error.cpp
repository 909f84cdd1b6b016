// Node's test/parallel/test-net-dns-error.js: connecting to a host name that cannot
// resolve (64 '*') emits 'lookup' with the error (ENOTFOUND or EAI_FAIL) and no
// address or family (undefined in Node; empty and 0 here), then 'error' with that
// code, and never 'connect'.
#include "common.hpp"

namespace test_net_dns_error {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-dns-error", "[node]") {
  Common common;
  const std::string host(64, '*');
  auto isErrCode = [](const std::string& code) { return code == "ENOTFOUND" || code == "EAI_FAIL"; };
  auto socket = net::connect(42, host, common.mustNotCall());
  socket->on(net::events::error, common.mustCall([&](const Error& err) {
    INFO(err.code << " " << err.message);
    CHECK(isErrCode(err.code));
  }));
  socket->on(net::events::lookup, common.mustCall([&](const Error& err, const std::string& ip, int type) {
    CHECK(err);
    INFO(err.code << " " << err.message);
    CHECK(isErrCode(err.code));
    CHECK(ip.empty());
    CHECK(type == 0);
  }));
  common.run();
}

}  // namespace test_net_dns_error
