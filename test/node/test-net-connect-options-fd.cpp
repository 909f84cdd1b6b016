// Node's test/parallel/test-net-connect-options-fd.js: a Socket made from the
// descriptor of an existing, bound but unconnected Unix socket (`fd`, readable,
// writable) connects that same descriptor to a server path, in six ways:
// net.connect / createConnection given { fd, readable, writable, path } (with a
// listener or on('connect')), and new Socket({ fd, ... }).connect({ path }) (either
// way). The server gets each client's data, then 'end' once per socket.
// Node binds the client sockets with the internal Pipe binding; here they are
// plain socket(2) + bind(2). Node compares `_handle.fd` with the descriptor;
// berth has no such property, so the port checks that the descriptor itself is
// now connected to the server's path.
#include "common.hpp"

#include <map>
#include <sys/un.h>
#include <unistd.h>

namespace test_net_connect_options_fd {
using namespace berth;
using namespace berth::node_test;

int bound_unix_socket(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  REQUIRE(path.size() < sizeof addr.sun_path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

std::string peer_path(int fd) {
  sockaddr_un addr{};
  socklen_t len = sizeof addr;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "";
  return addr.sun_path;
}

TEST_CASE("test-net-connect-options-fd", "[node]") {
  Common common;
  const int CLIENT_VARIANTS = 6;
  const std::string prefix = common.PIPE() + "-net-connect-options-fd";
  const std::string serverPath = prefix + "-server";
  int counter = 0;
  int socketCounter = 0;
  std::map<int, int> handleMap;  // variant -> descriptor
  std::vector<net::SocketPtr> clients;
  net::ServerPtr server = net::createServer();

  server->on(net::events::connection, common.mustCall(
                                          [&](const net::SocketPtr& socket) {
                                            socket->on(net::events::data, common.mustCall([s = socket.get()](BufferView) {
                                              s->end();
                                            }));
                                            socket->on(net::events::end, common.mustCall([&] {
                                              counter++;
                                              if (counter == CLIENT_VARIANTS)
                                                setTimeout([&] { server->close(); }, 10ms);
                                            }));
                                          },
                                          CLIENT_VARIANTS));
  server->on(net::events::close, [&] {
    setTimeout([&] { clients.clear(); }, 10ms);
  });
  server->on(net::events::error, [](const Error& err) { FAIL_CHECK("[Pipe server]" << err.message); });

  server->listen(net::ListenOptions{.path = serverPath}, common.mustCall([&] {
    auto getSocketOpt = [&](int index) {
      const int fd = bound_unix_socket(prefix + "-client-" + std::to_string(socketCounter++));
      CHECK(fd != -1);
      handleMap[index] = fd;
      return net::SocketOptions{.fd = fd, .readable = true, .writable = true};
    };
    auto getConnectCb = [&](int index, std::shared_ptr<net::Socket*> self) {
      return common.mustCall([&, index, self] {
        REQUIRE(handleMap.count(index) == 1);
        const int fd = handleMap[index];
        // The socket wraps that descriptor: it is the one now connected to the server.
        CHECK(peer_path(fd) == serverPath);
        net::Socket* socket = *self;
        socket->write(std::to_string(fd));
        socket->on(net::events::error, [](const Error& err) { FAIL_CHECK("[Pipe Client]" << err.message); });
      });
    };

    auto viaConnect = [&](int index) {
      net::ConnectOptions o{.path = serverPath};
      const auto socketOpt = getSocketOpt(index);
      o.fd = socketOpt.fd;
      o.readable = socketOpt.readable;
      o.writable = socketOpt.writable;
      auto self = std::make_shared<net::Socket*>(nullptr);
      net::SocketPtr s;
      if (index == 0) s = net::connect(o, getConnectCb(index, self));
      if (index == 1) {
        s = net::connect(o);
        s->on(net::events::connect, getConnectCb(index, self));
      }
      if (index == 2) s = net::createConnection(o, getConnectCb(index, self));
      if (index == 3) {
        s = net::createConnection(o);
        s->on(net::events::connect, getConnectCb(index, self));
      }
      *self = s.get();
      clients.push_back(s);
    };
    for (int index = 0; index < 4; index++) viaConnect(index);
    {
      auto s = net::Socket::create(getSocketOpt(4));
      auto self = std::make_shared<net::Socket*>(s.get());
      s->connect(net::ConnectOptions{.path = serverPath}, getConnectCb(4, self));
      clients.push_back(s);
    }
    {
      auto s = net::Socket::create(getSocketOpt(5));
      auto self = std::make_shared<net::Socket*>(s.get());
      s->connect(net::ConnectOptions{.path = serverPath}).on(net::events::connect, getConnectCb(5, self));
      clients.push_back(s);
    }
  }));
  common.run();
}

}  // namespace test_net_connect_options_fd
