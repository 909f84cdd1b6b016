// close() with a live connection stops accepting at once (ECONNREFUSED, listening false,
// address null), but 'close' and the callback wait for the last connection to close.
// getConnections() answers asynchronously and counts the live one until it goes.
#include "trace.hpp"

using namespace conf;

static int port = 0;

void scenario() {
  auto server = net::createServer();
  server->on(net::events::connection, [server](const net::SocketPtr& conn) {
    line("server connection");
    conn->on(net::events::close, [] { line("server-side socket close"); });
    server->close([](const Error& e) { line("close callback", cbErr(e)); });
    server->on(net::events::close, [] { line("close event"); });
    line("after close()", "listening=" + str(server->listening()), "address=" + serverAddress(server->address()));
    auto sync = std::make_shared<bool>(true);
    auto& r = server->getConnections([sync, conn](const Error& e, std::size_t n) {
      line("getConnections", cbErr(e), n, "sync=" + str(*sync));
      auto refused = net::connect(port, "127.0.0.1");
      refused->on(net::events::error, [conn](const Error& x) {
        line("new client", err(x));
        conn->end();
      });
    });
    *sync = false;
    line("getConnections returns server", &r == server.get());
  });
  server->listen(0, "127.0.0.1", [server] {
    port = server->address()->port;
    auto c = net::connect(port, "127.0.0.1");
    c->resume();
    c->on(net::events::end, [] { line("client end"); });
    c->on(net::events::close, [] { line("client close"); });
  });
}
