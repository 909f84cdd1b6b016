// Node's test/parallel/test-net-connect-buffer2.js: writes made while connecting
// are queued and sent once connected. With highWaterMark 0, write() returns false;
// bytesWritten counts bytes (not characters: "L'État" has a two-byte É) as soon
// as they are queued, and does not count them again when they are sent; the write
// callback runs after 'connect'; pending, connecting and readyState are 'opening'
// values until then, and pending again at 'close'. Node calls
// socket.connect(port, listener); the C++ call names the host, "localhost", which
// is Node's default.
#include "common.hpp"

namespace test_net_connect_buffer2 {
using namespace berth;
using namespace berth::node_test;

TEST_CASE("test-net-connect-buffer2", "[node]") {
  Common common;
  net::ServerPtr tcp;
  tcp = net::createServer(common.mustCall([&](const net::SocketPtr& s) {
    tcp->close();
    auto buf = std::make_shared<std::string>();
    s->setEncoding("utf8");
    s->on(net::events::data, [buf](BufferView d) { *buf += std::string_view(d); });
    s->on(net::events::end, common.mustCall([buf, s = s.get()] {
      CHECK(*buf == "L'État, c'est moi");
      s->end();
    }));
  }));

  bool connected = false;
  tcp->listen(0, common.mustCall([&] {
    auto socket = net::Stream::create({.highWaterMark = 0});
    CHECK(socket->pending() == true);
    socket->connect(tcp->address()->port, "localhost", common.mustCall([&] { connected = true; }));

    CHECK(socket->pending() == true);
    CHECK(socket->connecting() == true);
    CHECK(socket->readyState() == "opening");

    const std::string a = "L'État, c'est ";
    const std::string b = "moi";

    const bool r = socket->write(a, common.mustCall([&, socket = socket.get(), a, b](const Error&) {
      CHECK(connected);
      CHECK(socket->bytesWritten() == Buffer::from(a + b).length());
      CHECK(socket->pending() == false);
    }));
    socket->on(net::events::close, common.mustCall([socket = socket.get()] { CHECK(socket->pending() == true); }));

    CHECK(socket->bytesWritten() == Buffer::from(a).length());
    CHECK(r == false);
    socket->end(b);

    CHECK(socket->readyState() == "opening");
  }));
  common.run();
}

}  // namespace test_net_connect_buffer2
