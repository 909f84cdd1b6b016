// Node's test/parallel/test-net-connect-options-path.js: twelve ways of connecting
// to a Unix socket path (connect / createConnection / new Socket().connect, with
// the path or { path }, with a listener or on('connect')) each connect once and
// close; the server sees twelve connections.
#include "common.hpp"

namespace test_net_connect_options_path {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-connect-options-path", "[node]") {
  Common common;
  const int CLIENT_VARIANTS = 12;
  const std::string serverPath = common.PIPE() + "-net-connect-options-path-server";
  int counter = 0;
  net::ServerPtr server = net::createServer();
  std::vector<net::SocketPtr> clients;

  // The listener's `this`: the socket it is registered on, known once created.
  auto getConnectCb = [&](std::shared_ptr<net::Socket*> self) {
    return common.mustCall([&, self] {
      net::Socket* socket = *self;
      socket->end();
      socket->on(net::events::close, common.mustCall([&] {
        counter++;
        if (counter == CLIENT_VARIANTS) server->close();
      }));
    });
  };
  auto withCb = [&](auto make) {
    auto self = std::make_shared<net::Socket*>(nullptr);
    net::SocketPtr s = make(getConnectCb(self));
    *self = s.get();
    s->resume();
    clients.push_back(s);
  };
  auto withoutCb = [&](net::SocketPtr s) {
    auto self = std::make_shared<net::Socket*>(s.get());
    s->on(net::events::connect, getConnectCb(self));
    s->resume();
    clients.push_back(s);
  };

  server->on(net::events::connection, common.mustCall([](const net::SocketPtr& socket) { socket->end("ok"); },
                                                      CLIENT_VARIANTS));
  server->listen(serverPath, common.mustCall([&] {
    withCb([&](auto cb) { return net::connect(serverPath, cb); });
    withoutCb(net::connect(serverPath));
    withCb([&](auto cb) { return net::createConnection(serverPath, cb); });
    withoutCb(net::createConnection(serverPath));
    withCb([&](auto cb) {
      auto s = net::Socket::create();
      s->connect(serverPath, cb);
      return s;
    });
    withoutCb([&] {
      auto s = net::Socket::create();
      s->connect(serverPath);
      return s;
    }());
    withCb([&](auto cb) { return net::connect(net::ConnectOptions{.path = serverPath}, cb); });
    withoutCb(net::connect(net::ConnectOptions{.path = serverPath}));
    withCb([&](auto cb) { return net::createConnection(net::ConnectOptions{.path = serverPath}, cb); });
    withoutCb(net::createConnection(net::ConnectOptions{.path = serverPath}));
    withCb([&](auto cb) {
      auto s = net::Socket::create();
      s->connect(net::ConnectOptions{.path = serverPath}, cb);
      return s;
    });
    withoutCb([&] {
      auto s = net::Socket::create();
      s->connect(net::ConnectOptions{.path = serverPath});
      return s;
    }());
  }));
  server->on(net::events::close, [&] { clients.clear(); });
  common.run();
}

}  // namespace test_net_connect_options_path
