// Node's test/parallel/test-net-error-twice.js: a server socket writing 10 MB to a
// client that has just been destroyed gets exactly one 'error' (never the same
// error twice).
#include "common.hpp"

namespace test_net_error_twice {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-error-twice", "[node]") {
  Common common;
  const Buffer buf = Buffer::alloc(10 * 1024 * 1024, 0x62);
  std::vector<Error> errs;
  net::SocketPtr clientSocket;
  net::SocketPtr serverSocket;
  net::ServerPtr server;

  auto ready = [&] {
    if (clientSocket && serverSocket) {
      clientSocket->destroy();
      serverSocket->write(buf);
    }
  };

  server = net::createServer([&](const net::SocketPtr& conn) {
    conn->on(net::events::error, [&](const Error& err) { errs.push_back(err); });
    conn->on(net::events::close, [&] { server->unref(); });
    serverSocket = conn;
    ready();
  });
  server->listen(0, [&] {
    auto client = net::connect(net::ConnectOptions{.port = server->address()->port});
    client->on(net::events::connect, [&, client = client.get()] {
      clientSocket = client->shared_from_this();
      ready();
    });
  });
  common.run();
  INFO(errs.size() << " errors" << (errs.empty() ? "" : ", first: " + errs[0].code + " " + errs[0].message));
  CHECK(errs.size() == 1);
  clientSocket.reset();
  serverSocket.reset();
}

}  // namespace test_net_error_twice
