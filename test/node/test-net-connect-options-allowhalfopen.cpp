// Node's test/parallel/test-net-connect-options-allowhalfopen.js: six ways of
// making an allowHalfOpen client (net.connect / createConnection with a listener or
// an on('connect'), new Socket(opts).connect(opts) with either). Each gets 'connect'
// once; after the server's FIN ('end', once), the client is no longer readable but
// still writable, write() returns true, and its end() closes it ('close' once). The
// allowHalfOpen server sees 'connection' six times, one 'data' and one 'end' per
// socket, then closes.
#include "common.hpp"

namespace test_net_connect_options_allowhalfopen {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-connect-options-allowhalfopen", "[node]") {
  Common common;
  const int CLIENT_VARIANTS = 6;
  int clientReceivedFIN = 0;
  int serverConnections = 0;
  int clientSentFIN = 0;
  int serverReceivedFIN = 0;
  const std::string host = "127.0.0.1";
  net::ServerPtr server;

  auto serverOnConnection = [&](const net::SocketPtr& socket) {
    ++serverConnections;
    socket->resume();
    socket->on(net::events::data, common.mustCall([](BufferView) {}));
    // 'end' on each socket must not be emitted twice
    socket->on(net::events::end, common.mustCall([&] {
      if (++serverReceivedFIN < CLIENT_VARIANTS) return;
      setTimeout([&] { server->close(); }, 50ms);
    }));
    socket->end();
  };

  auto clientOnConnect = [&](int index, std::shared_ptr<net::SocketPtr> holder) {
    return common.mustCall([&, index, holder] {
      net::Socket* client = holder->get();
      client->resume();
      client->on(net::events::end, common.mustCall([&, client, index] {
        setTimeout([&, client, index] {
          // allowHalfOpen: still writable after the server's FIN, not readable.
          CHECK_FALSE(client->readable());
          CHECK(client->writable());
          CHECK(client->write(std::to_string(index)));
          client->end();
          clientSentFIN++;
        }, 50ms);
      }));
      client->on(net::events::close, common.mustCall([&, holder] {
        clientReceivedFIN++;
        holder->reset();
      }));
    });
  };

  server = net::createServer({.allowHalfOpen = true});
  server->on(net::events::connection, common.mustCall(serverOnConnection, CLIENT_VARIANTS));
  server->on(net::events::close, common.mustCall());
  server->listen(0, host, common.mustCall([&] {
    const int port = server->address()->port;
    const net::ConnectOptions opts{.port = port, .host = host, .allowHalfOpen = true};
    auto h = [] { return std::make_shared<net::SocketPtr>(); };
    auto h1 = h(), h2 = h(), h3 = h(), h4 = h(), h5 = h(), h6 = h();
    *h1 = net::connect(opts, clientOnConnect(1, h1));
    *h2 = net::connect(opts);
    (*h2)->on(net::events::connect, clientOnConnect(2, h2));
    *h3 = net::createConnection(opts, clientOnConnect(3, h3));
    *h4 = net::createConnection(opts);
    (*h4)->on(net::events::connect, clientOnConnect(4, h4));
    *h5 = net::Socket::create({.allowHalfOpen = true});
    (*h5)->connect(opts, clientOnConnect(5, h5));
    *h6 = net::Socket::create({.allowHalfOpen = true});
    (*h6)->connect(opts);
    (*h6)->on(net::events::connect, clientOnConnect(6, h6));
  }));
  common.run();
  CHECK(serverConnections == CLIENT_VARIANTS);
  CHECK(serverReceivedFIN == CLIENT_VARIANTS);
  CHECK(clientSentFIN == CLIENT_VARIANTS);
  CHECK(clientReceivedFIN == CLIENT_VARIANTS);
}

}  // namespace test_net_connect_options_allowhalfopen
