// end() and close over TLS (close_notify, then the FIN), the event order on both ends
// and readyState along the way, in three rounds, each with its own server:
//   0. allowHalfOpen false on both ends, the client calls end() once secure;
//   1. allowHalfOpen true on both ends, the client ends first with 'ping'; the server
//      writes 'late' after its 'end', then ends;
//   2. allowHalfOpen true on both ends, the server ends first with 'bye'; the client
//      writes 'late' after its 'end', then ends.
#include "trace_tls.hpp"

using namespace conf;

namespace {

struct Round {
  bool allowHalfOpen;
  bool clientEnds;
};
const std::vector<Round> rounds = {{false, true}, {true, true}, {true, false}};

void round(std::size_t i) {
  if (i == rounds.size()) return;
  const auto [allowHalfOpen, clientEnds] = rounds[i];
  std::string C = "C" + std::to_string(i);
  std::string S = "S" + std::to_string(i);
  line("round" + std::to_string(i), "allowHalfOpen=" + str(allowHalfOpen), "clientEnds=" + str(clientEnds));
  auto options = keyAndCert("server");
  options.allowHalfOpen = allowHalfOpen;
  auto server = tls::createServer(options, [S, allowHalfOpen, clientEnds](const tls::TLSSocketPtr& s) {
    traceTLS(s, S);
    s->on(tls::events::end, [S, s = s.get(), allowHalfOpen, clientEnds] {
      line(S, "in-end readyState=" + s->readyState());
      if (allowHalfOpen && clientEnds) {
        s->write("late");
        s->end();
      }
    });
    s->on(tls::events::close, [S, s = s.get()](bool) { line(S, "in-close readyState=" + s->readyState()); });
    if (!clientEnds) {
      s->end("bye");
      line(S, "after-end() readyState=" + s->readyState());
    }
  });
  traceTLSServer(server, "server" + std::to_string(i));
  // The next round starts once both ends have closed and the server with them.
  auto closed = std::make_shared<int>(0);
  auto closedOne = [server, closed, i] {
    if (++*closed == 2) server->close([i](const Error&) { round(i + 1); });
  };
  server->on(net::events::connection, [closedOne](const net::SocketPtr& s) {
    s->on(net::events::close, [closedOne](bool) { closedOne(); });
  });
  server->listen(0, "127.0.0.1", [server, C, allowHalfOpen, clientEnds, closedOne] {
    auto o = clientOptions(server->address()->port, "localhost");
    o.family = 4;
    o.allowHalfOpen = allowHalfOpen;
    auto c = connectTLS(o, [C, allowHalfOpen, clientEnds](tls::TLSSocket& c) {
      if (clientEnds) {
        if (allowHalfOpen)
          c.end("ping");
        else
          c.end();
        line(C, "after-end() readyState=" + c.readyState());
      }
    });
    traceTLS(c, C, {"lookup", "connectionAttempt"});
    c->on(tls::events::end, [C, c = c.get(), allowHalfOpen, clientEnds] {
      line(C, "in-end readyState=" + c->readyState());
      if (allowHalfOpen && !clientEnds) {
        c->write("late");
        c->end();
      }
    });
    c->on(tls::events::close, [C, c = c.get()](bool) { line(C, "in-close readyState=" + c->readyState()); });
    c->on(tls::events::close, [closedOne](bool) { closedOne(); });
  });
}

}  // namespace

void scenario() { round(0); }
