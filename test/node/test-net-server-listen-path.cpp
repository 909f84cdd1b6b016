// Node's test/parallel/test-net-server-listen-path.js: a server listens on a Unix
// socket path given as listen(path), listen({path}), with or without a callback;
// readableAll/writableAll make the socket file readable and writable by others; a path
// in use makes the second server emit EADDRINUSE ("listen EADDRINUSE: address already
// in use ...") even with writableAll.
#include <sys/stat.h>

#include "common.hpp"

namespace test_net_server_listen_path {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-server-listen-path", "[node]") {
  Common common;
  int counter = 0;
  auto randomPipePath = [&] { return common.PIPE() + "-listen-path-" + std::to_string(counter++); };
  std::vector<net::ServerPtr> servers;
  auto make = [&] { return servers.emplace_back(net::createServer()).get(); };
  auto closeServer = [&](net::Server* s) { return common.mustCall([s] { s->close(); }); };

  // listen(path)
  {
    auto* s = make();
    s->listen(randomPipePath()).on(net::events::listening, closeServer(s));
  }
  // listen({path})
  {
    auto* s = make();
    s->listen(net::ListenOptions{.path = randomPipePath()}).on(net::events::listening, closeServer(s));
  }
  // listen(path, cb)
  {
    auto* s = make();
    s->listen(randomPipePath(), closeServer(s));
  }
  // listen({path}, cb)
  {
    auto* s = make();
    s->listen(net::ListenOptions{.path = randomPipePath()}, closeServer(s));
  }
  // Pipe chmod.
  {
    const std::string handlePath = randomPipePath();
    auto* s = make();
    s->listen(net::ListenOptions{.path = handlePath, .readableAll = true, .writableAll = true},
              common.mustCall([s, handlePath] {
                struct stat st {};
                REQUIRE(::stat(handlePath.c_str(), &st) == 0);
                CHECK((st.st_mode & S_IROTH) != 0);
                CHECK((st.st_mode & S_IWOTH) != 0);
                s->close();
              }));
  }
  // 'error' when listening fails.
  {
    const std::string handlePath = randomPipePath();
    auto* server1 = make();
    auto* server2 = make();
    server1->listen(net::ListenOptions{.path = handlePath}, [=, &common] {
      // The path is in use: binding to it again makes the server emit EADDRINUSE.
      server2->listen(net::ListenOptions{.path = handlePath, .writableAll = true}, common.mustNotCall());
      server2->on(net::events::error, common.mustCall([=](const Error& err) {
        server1->close();
        CHECK(err.code == "EADDRINUSE");
        CHECK(err.message.rfind("listen EADDRINUSE: address already in use", 0) == 0);
      }));
    });
  }
  common.run();
}

}  // namespace test_net_server_listen_path
