// Node's test/parallel/test-net-pause-resume-connecting.js: pause()/resume() called
// while a socket is still connecting are remembered: of five clients, the three whose
// last call was resume() (or that never paused) get 'data', the two left paused get
// none until their 'data' listener is removed and they are resumed 100 ms later.
#include "common.hpp"

namespace test_net_pause_resume_connecting {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-pause-resume-connecting", "[node]") {
  Common common;
  int connections = 0;
  int dataEvents = 0;
  net::ServerPtr server = net::createServer([&](const net::SocketPtr& conn) {
    connections++;
    conn->end("This was the year he fell to pieces.");
    if (connections == 5) server->close();
  });
  std::vector<net::SocketPtr> keep;
  server->listen(0, [&] {
    int port = server->address()->port;
    auto onDataOk = [&](BufferView) { dataEvents++; };
    auto scheduleTearDown = [&](net::SocketPtr conn) {
      setTimeout([conn] {
        conn->removeAllListeners(net::events::data);
        conn->resume();
      }, 100ms);
    };

    // Client 1
    auto conn = net::createConnection(port, "localhost");
    conn->resume();
    conn->on(net::events::data, onDataOk);

    // Client 2
    conn = net::createConnection(port, "localhost");
    conn->pause();
    conn->resume();
    conn->on(net::events::data, onDataOk);

    // Client 3
    conn = net::createConnection(port, "localhost");
    conn->pause();
    conn->on(net::events::data, common.mustNotCall());
    scheduleTearDown(conn);

    // Client 4
    conn = net::createConnection(port, "localhost");
    conn->resume();
    conn->pause();
    conn->resume();
    conn->on(net::events::data, onDataOk);

    // Client 5
    conn = net::createConnection(port, "localhost");
    conn->resume();
    conn->resume();
    conn->pause();
    conn->on(net::events::data, common.mustNotCall());
    scheduleTearDown(conn);
  });
  common.run();
  CHECK(connections == 5);
  CHECK(dataEvents == 3);
}

}  // namespace test_net_pause_resume_connecting
