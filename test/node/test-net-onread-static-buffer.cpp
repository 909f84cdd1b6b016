// Node's test/parallel/test-net-onread-static-buffer.js: with the `onread` option the
// socket reads into the caller's buffer (a fixed one, or one from a factory for each
// read) and calls the callback instead of emitting 'data'; pausing from the callback,
// or returning false from it, stops reading until resume(). All bytes arrive, 'end' is
// emitted, and the factory is called 7 times for 11 bytes in 2-byte buffers (6 reads
// with data, one that sees the end). Node's Uint8Array variants are the same scenarios
// as the Buffer ones in C++ (both are a std::span of bytes), so they run once each.
#include "common.hpp"

namespace test_net_onread_static_buffer {
using namespace berth;
using namespace berth::node_test;

const std::string message = "hello world";

// A server that sends `message` and ends on its one connection, then closes.
net::ServerPtr serve(Common& common, std::function<void(int port)> then) {
  auto server = net::createServer();
  server->on(net::events::connection, common.mustCall([server = server.get()](net::SocketPtr socket) {
    server->close();
    socket->end(message);
  }));
  server->listen(0, [server = server.get(), then] { then(server->address()->port); });
  return server;
}

TEST_CASE("test-net-onread-static-buffer", "[node]") {
  Common common;

  // Typical usage: one static buffer.
  std::vector<std::uint8_t> sockBuf1(8);
  std::string got1;
  net::SocketPtr s1;
  serve(common, [&](int port) {
    s1 = net::connect({.port = port,
                       .onread = net::OnRead{.buffer = sockBuf1,
                                             .callback = [&](std::size_t nread, std::span<std::uint8_t> buf) {
                                               CHECK(buf.data() == sockBuf1.data());
                                               got1.append(reinterpret_cast<const char*>(buf.data()), nread);
                                               return true;
                                             }}});
    s1->on(net::events::data, common.mustNotCall());
    s1->on(net::events::end, common.mustCall([&] { CHECK(got1 == message); }));
  });

  // Buffer factory: a pool of three 2-byte buffers, used in turn.
  std::vector<std::vector<std::uint8_t>> bufPool(3, std::vector<std::uint8_t>(2));
  int bufPoolIdx = -1;
  int bufPoolUsage = 0;
  std::string got2;
  net::SocketPtr s2;
  serve(common, [&](int port) {
    s2 = net::connect(
        {.port = port,
         .onread = net::OnRead{.bufferFactory =
                                   [&] {
                                     ++bufPoolUsage;
                                     bufPoolIdx = (bufPoolIdx + 1) % 3;
                                     return std::span<std::uint8_t>(bufPool[bufPoolIdx]);
                                   },
                               .callback = [&](std::size_t nread, std::span<std::uint8_t> buf) {
                                 CHECK(buf.data() == bufPool[bufPoolIdx].data());
                                 got2.append(reinterpret_cast<const char*>(buf.data()), nread);
                                 return true;
                               }}});
    s2->on(net::events::data, common.mustNotCall());
    s2->on(net::events::end, common.mustCall([&] {
      CHECK(got2 == message);
      CHECK(bufPoolUsage == 7);
    }));
  });

  // Explicit pause from the callback, resumed 100 ms later.
  std::vector<std::uint8_t> sockBuf3(8);
  std::string got3;
  bool paused3 = false;
  net::SocketPtr s3;
  serve(common, [&](int port) {
    s3 = net::connect({.port = port,
                       .onread = net::OnRead{.buffer = sockBuf3,
                                             .callback = [&](std::size_t nread, std::span<std::uint8_t> buf) {
                                               CHECK_FALSE(paused3);
                                               CHECK(buf.data() == sockBuf3.data());
                                               got3.append(reinterpret_cast<const char*>(buf.data()), nread);
                                               paused3 = true;
                                               s3->pause();
                                               setTimeout([&] {
                                                 paused3 = false;
                                                 s3->resume();
                                               }, 100ms);
                                               return true;
                                             }}});
    s3->on(net::events::data, common.mustNotCall());
    s3->on(net::events::end, common.mustCall([&] { CHECK(got3 == message); }));
  });

  // Implicit pause: the callback returns false.
  std::vector<std::uint8_t> sockBuf4(8);
  std::string got4;
  bool paused4 = false;
  net::SocketPtr s4;
  serve(common, [&](int port) {
    s4 = net::connect({.port = port,
                       .onread = net::OnRead{.buffer = sockBuf4,
                                             .callback = [&](std::size_t nread, std::span<std::uint8_t> buf) {
                                               CHECK_FALSE(paused4);
                                               CHECK(buf.data() == sockBuf4.data());
                                               got4.append(reinterpret_cast<const char*>(buf.data()), nread);
                                               paused4 = true;
                                               setTimeout([&] {
                                                 paused4 = false;
                                                 s4->resume();
                                               }, 100ms);
                                               return false;
                                             }}});
    s4->on(net::events::data, common.mustNotCall());
    s4->on(net::events::end, common.mustCall([&] { CHECK(got4 == message); }));
  });

  common.run();
  s1.reset();
  s2.reset();
  s3.reset();
  s4.reset();
}

}  // namespace test_net_onread_static_buffer
