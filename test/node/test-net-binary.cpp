// Node's test/parallel/test-net-binary.js: the 256 latin1 characters, sent in one
// write and then one by one, come back through a latin1 echo server unchanged:
// 512 characters in all, the first 256 (sent 255..0) the reverse of the last 256.
// berth's text is UTF-8, so a character here is a code point U+0000..U+00FF.
#include "common.hpp"

namespace test_net_binary {
using namespace berth;
using namespace berth::node_test;

std::string fromCharCode(unsigned c) {
  std::string s;
  if (c < 0x80) {
    s += static_cast<char>(c);
  } else {
    s += static_cast<char>(0xC0 | (c >> 6));
    s += static_cast<char>(0x80 | (c & 0x3F));
  }
  return s;
}

// The code points of UTF-8 text that only holds U+0000..U+07FF.
std::vector<unsigned> chars(std::string_view text) {
  std::vector<unsigned> out;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      out.push_back(b);
      i += 1;
    } else {
      REQUIRE(i + 1 < text.size());
      out.push_back(((b & 0x1F) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3F));
      i += 2;
    }
  }
  return out;
}

TEST_CASE("test-net-binary", "[node]") {
  Common common;
  std::string binaryString;
  for (int i = 255; i >= 0; i--) {
    const std::string S = fromCharCode(static_cast<unsigned>(i));
    REQUIRE(chars(S) == std::vector<unsigned>{static_cast<unsigned>(i)});
    binaryString += S;
  }

  auto echoServer = net::createServer([](const net::SocketPtr& connection) {
    connection->setEncoding("latin1");
    connection->on(net::events::data, [connection](BufferView chunk) {
      connection->write(std::string_view(chunk), Encoding::latin1);
    });
    connection->on(net::events::end, [connection] { connection->end(); });
  });
  echoServer->listen(0);

  std::string recv;
  unsigned j = 0;
  echoServer->on(net::events::listening, [&] {
    auto c = net::createConnection(net::ConnectOptions{.port = echoServer->address()->port});
    c->setEncoding("latin1");
    c->on(net::events::data, [&, c](BufferView chunk) {
      const unsigned n = j + static_cast<unsigned>(chars(chunk).size());
      while (j < n && j < 256) {
        c->write(fromCharCode(j), Encoding::latin1);
        j++;
      }
      if (j == 256) c->end();
      recv += std::string_view(chunk);
    });
    c->on(net::events::connect, [&, c] { c->write(binaryString, "binary"); });
    c->on(net::events::close, [&] { echoServer->close(); });
  });
  common.run();

  auto a = chars(recv);
  REQUIRE(a.size() == 2 * 256);
  std::vector<unsigned> first(a.begin(), a.begin() + 256);
  std::reverse(first.begin(), first.end());
  std::vector<unsigned> second(a.begin() + 256, a.end());
  CHECK(first == second);
}

}  // namespace test_net_binary
