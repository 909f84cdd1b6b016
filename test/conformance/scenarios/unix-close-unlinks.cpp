// close() unlinks the socket file at once, even with a connection still open; a path
// held by a regular file gives EADDRINUSE and the file is left alone.
#include <filesystem>
#include <fstream>

#include "trace.hpp"

using namespace conf;

static bool exists(const std::string& p) { return std::filesystem::exists(std::filesystem::symlink_status(p)); }

static void regularFile() {
  auto f = tmp() + "/file";
  std::ofstream(f) << "x";
  auto s = net::createServer();
  s->on(net::events::error, [f](const Error& e) {
    line("listen on a regular file", err(e), "file still exists=" + str(exists(f)));
  });
  s->listen(f);
}

void scenario() {
  auto p = tmp() + "/u.sock";
  auto server = net::createServer();
  server->on(net::events::connection, [server, p](const net::SocketPtr& c) {
    server->close([](const Error&) {
      line("close callback");
      regularFile();
    });
    line("after close() with a live connection: file exists=" + str(exists(p)));
    c->end();
  });
  server->listen(p, [p] {
    line("listening: file exists=" + str(exists(p)));
    net::connect(p)->resume();
  });
}
