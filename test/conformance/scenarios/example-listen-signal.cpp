// Spec example "server.listen(options)": close the server through an AbortSignal.
// (Port 0 instead of 80; "later" is once it listens.)
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer();
  auto controller = std::make_shared<berth::AbortController>();
  server->on(net::events::listening, [controller] {
    line("listening");
    // Later, when you want to close the server.
    controller->abort();
  });
  server->on(net::events::close, [] { line("close"); });
  server->listen(net::ListenOptions{
      .port = 0,
      .host = "localhost",
      .signal = controller->signal(),
  });
}
