// write() argument checks: wrong types and null are rejected synchronously, an unknown
// encoding throws ERR_UNKNOWN_ENCODING, write('') returns true and calls back.
#include "trace.hpp"

using namespace conf;

template <class T>
constexpr bool writes = requires(net::Socket& s, T v) { s.write(v); };

struct Object {};

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) {
    auto got = std::make_shared<std::string>();
    c->on(net::events::data, [got](BufferView d) { *got += std::string_view(d); });
    c->on(net::events::end, [got, server = c->server()] {
      line("server got", q(*got));
      server->close();
    });
  });
  server->listen(0, "127.0.0.1", [server] {
    auto s = net::connect(server->address()->port, "127.0.0.1");
    s->on(net::events::connect, [s] {
      rejects("write(123)", "ERR_INVALID_ARG_TYPE", writes<int>);
      rejects("write({})", "ERR_INVALID_ARG_TYPE", writes<Object>);
      rejects("write(undefined)", "ERR_INVALID_ARG_TYPE", writes<void*>);
      rejects("write(null)", "ERR_STREAM_NULL_VALUES", writes<std::nullptr_t>);
      attempt("write(\"x\",\"bogus\")", [&] { s->write("x", "bogus"); });
      line("write(\"\") returns", s->write("", [](const Error& e) { line("empty write callback", cbErr(e)); }));
      s->write("AB");
      s->end(Buffer::from("CD").view());
    });
  });
}
