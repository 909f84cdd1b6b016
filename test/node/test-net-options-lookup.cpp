// Node's test/parallel/test-net-options-lookup.js: a lookup function that never calls
// back leaves nothing running; one that answers with address family 100 makes the
// socket emit ERR_INVALID_ADDRESS_FAMILY ("Invalid address family: 100 localhost:0",
// with host and port set). Node's first check, that a `lookup` option which is not a
// function ('foobar', 1, {}, []) throws ERR_INVALID_ARG_TYPE, is a JavaScript type error
// C++ rules out (the option is a std::function).
#include "common.hpp"

namespace test_net_options_lookup {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-options-lookup", "[node]") {
  Common common;

  // connectDoesNotThrow(() => {}): the lookup never answers.
  net::connect({.port = 0, .host = "localhost", .lookup = [](const std::string&, const LookupOptions&, LookupCallback) {}});

  auto s = net::connect({.port = 0,
                         .host = "localhost",
                         .lookup = [](const std::string&, const LookupOptions& options, LookupCallback cb) {
                           CHECK(options.all);  // berth always asks for every address
                           cb(Error{}, {LookupAddress{.address = "127.0.0.1", .family = 100}});
                         }});
  s->on(net::events::error, common.mustCall([](const Error& err) {
    check_error(err, {.code = "ERR_INVALID_ADDRESS_FAMILY", .message = "Invalid address family: 100 localhost:0"});
    CHECK(err.host == std::optional<std::string>("localhost"));
    CHECK(err.port == std::optional<int>(0));
  }));
  common.run();
}

}  // namespace test_net_options_lookup
