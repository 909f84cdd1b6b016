// The server sends '€' split over three TCP chunks, then 'A', then half a '€' and EOF.
// With setEncoding('utf8') the '€' arrives whole ("€A") and the leftover as U+FFFD;
// without an encoding the chunks are bytes (1, 1, 2, 2); with 'hex' each chunk is hex.
// setEncoding returns this; an unknown encoding throws.
#include "trace.hpp"

using namespace conf;

struct Client {
  std::string tag;
  std::function<void(net::Socket&)> setup;
  std::function<std::string(BufferView)> show;
};

static const std::vector<Client> clients = {
    {"utf8", [](net::Socket& c) { line("utf8 setEncoding returns this", &c.setEncoding("utf8") == &c); },
     [](BufferView d) { return chunk(d); }},
    {"bytes", [](net::Socket&) {}, [](BufferView d) { return "bytes=" + str(d.size()); }},
    {"hex", [](net::Socket& c) { c.setEncoding("hex"); }, [](BufferView d) { return chunk(d); }},
};

static void sendParts(net::SocketPtr c, std::size_t i) {
  static const Buffer euro = Buffer::from("€");
  if (i == 0) c->write(euro.subarray(0, 1));
  if (i == 1) c->write(euro.subarray(1, 2));
  if (i == 2) c->write(Buffer::concat({euro.subarray(2), BufferView("A")}));
  if (i == 3) {
    const std::uint8_t half[] = {0xe2, 0x82};
    c->end(BufferView(half, 2));
    return;
  }
  setTimeout([c, i] { sendParts(c, i + 1); }, 60);
}

static void next(net::ServerPtr server, std::size_t i) {
  if (i == clients.size()) {
    attempt("setEncoding(\"bogus\")", [] { net::Socket::create()->setEncoding("bogus"); });
    server->close();
    return;
  }
  auto c = net::connect(server->address()->port, "127.0.0.1");
  clients[i].setup(*c);
  c->on(net::events::data, [i](BufferView d) { line(clients[i].tag, "data", clients[i].show(d)); });
  c->on(net::events::close, [server, i] { next(server, i + 1); });
}

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) {
    c->setNoDelay(true);
    sendParts(c, 0);
  });
  server->listen(0, "127.0.0.1", [server] { next(server, 0); });
}
