// berth::Error printed: to_string(), operator<< and fmt::formatter. Each expected text
// is what Node v20's String(err) printed for the same error, the code added where
// Node's text lacks it (AbortError, AggregateError, a code-only error).

#include <catch2/catch.hpp>

#include <sstream>

#include "berth/format.hpp"
#include "berth/net.hpp"

using namespace berth;

namespace {
std::string streamed(const Error& e) {
  std::ostringstream out;
  out << e;
  return out.str();
}
}  // namespace

TEST_CASE("an Error prints as Node's String(err), its code always in it", "[error]") {
  struct Case {
    Error error;
    std::string text;
  };
  auto refused = Error::from_system(std::make_error_code(std::errc::connection_refused), "connect", "127.0.0.1", 1);
  auto refused6 = Error::from_system(std::make_error_code(std::errc::connection_refused), "connect", "::1", 1);
  Error bad_port;
  try {
    net::connect(65536);
  } catch (const Error& e) {
    bad_port = e;
  }
  const std::vector<Case> cases = {
      // Node: RangeError [ERR_SOCKET_BAD_PORT]: Port should be >= 0 and < 65536. Received type number (65536).
      {bad_port, "RangeError [ERR_SOCKET_BAD_PORT]: Port should be >= 0 and < 65536. Received type number (65536)."},
      // Node: Error: connect ECONNREFUSED 127.0.0.1:1
      {refused, "Error: connect ECONNREFUSED 127.0.0.1:1"},
      // Node: Error: listen EADDRINUSE: address already in use :::41815
      {Error::from_system_described(std::make_error_code(std::errc::address_in_use), "listen", "::", 41815),
       "Error: listen EADDRINUSE: address already in use :::41815"},
      // Node: Error: getaddrinfo ENOTFOUND nowhere.invalid
      {Error::lookup_failed("ENOTFOUND", "nowhere.invalid"), "Error: getaddrinfo ENOTFOUND nowhere.invalid"},
      // Node: AbortError: The operation was aborted (code ABORT_ERR)
      {Error::aborted(), "AbortError [ABORT_ERR]: The operation was aborted"},
      // Node: AggregateError (code ECONNREFUSED, message "", errors: both attempts)
      {Error::aggregate({refused6, refused}),
       "AggregateError [ECONNREFUSED]: connect ECONNREFUSED ::1:1; connect ECONNREFUSED 127.0.0.1:1"},
      {Error("EFUZZ", "destroyed by the fuzzer"), "Error [EFUZZ]: destroyed by the fuzzer"},
      {Error{}, "no error"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    CHECK(to_string(c.error) == c.text);
    CHECK(streamed(c.error) == c.text);
    CHECK(fmt::format("{}", c.error) == c.text);
  }
  CHECK(fmt::format("[{:>12}]", Error{}) == "[    no error]");
}
