// When connect() throws synchronously the Socket is left connecting (readyState
// opening); what it holds does not keep the process alive.
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto s = net::Socket::create();
  attempt("connect({port:-1})", [&] { s->connect(net::ConnectOptions{.port = -1, .host = "127.0.0.1"}); });
  line("after the throw", state(*s));
}
