// Node's test/parallel/test-net-pipe-connect-errors.js: connecting to a path that is a
// regular file fails with ENOTSOCK (or ECONNREFUSED), to a path that does not exist
// with ENOENT, and (not as root, where chmod does not restrict) to a Unix socket with
// mode 0 with EACCES; no connect callback runs.
#include <fstream>
#include <unistd.h>

#include "common.hpp"

namespace test_net_pipe_connect_errors {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-pipe-connect-errors", "[node]") {
  Common common;
  const std::string emptyTxt = (common.tmpdir() / "0.txt").string();
  std::ofstream(emptyTxt).close();

  auto notSocketClient = net::createConnection(emptyTxt, common.mustNotCall("connection callback should not run"));
  notSocketClient->on(net::events::error, common.mustCall([](const Error& err) {
    INFO("received " << err.code << " instead of ENOTSOCK or ECONNREFUSED");
    CHECK((err.code == "ENOTSOCK" || err.code == "ECONNREFUSED"));
  }));

  // Trying to connect to a socket that does not exist gives ENOENT.
  auto noEntSocketClient = net::createConnection("no-ent-file", common.mustNotCall("callback should not run"));
  noEntSocketClient->on(net::events::error, common.mustCall([](const Error& err) { CHECK(err.code == "ENOENT"); }));

  // As root a chmod does not restrict access to the socket (Node skips this part then).
  net::ServerPtr accessServer;
  if (::getuid() != 0) {
    accessServer = net::createServer(common.mustNotCall("server callback should not run"));
    accessServer->listen(common.PIPE(), common.mustCall([&] {
      std::filesystem::permissions(common.PIPE(), std::filesystem::perms::none);
      auto accessClient = net::createConnection(common.PIPE(), common.mustNotCall("callback should not run"));
      accessClient->on(net::events::error, common.mustCall([&](const Error& err) {
        CHECK(err.code == "EACCES");
        accessServer->close();
      }));
    }));
  }
  common.run();
}

}  // namespace test_net_pipe_connect_errors
