#pragma once
// The server half of the tests that need a second process (its own descriptor
// limit, or simply room for 10 000 descriptors on each side): an echo server run
// by a hidden test case of berth_tests, driven through reliability::Child.
//
// Environment: BERTH_REL_NOFILE (a number, or "max") lowers or raises the soft
// descriptor limit first; BERTH_REL_BACKLOG sets the listen backlog.
// Reports: "port P" once listening, "error CODE" for each server 'error'.
// Commands: "stats" -> "stats connections=N open=O errors=E fds=F".
// End of the command pipe: the server closes, open connections are destroyed,
// and the test case returns.

#include <asio/posix/stream_descriptor.hpp>
#include <asio/read_until.hpp>
#include <asio/streambuf.hpp>
#include <istream>

#include "berth/net.hpp"
#include "support.hpp"  // test/reliability/support.hpp

namespace berth::reliability {

inline void run_child_echo_server() {
  if (const char* n = std::getenv("BERTH_REL_NOFILE")) {
    rlimit rl{};
    ::getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = std::string(n) == "max" ? rl.rlim_max : static_cast<rlim_t>(std::atol(n));
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
  int backlog = 511;
  if (const char* b = std::getenv("BERTH_REL_BACKLOG")) backlog = std::atoi(b);

  auto& loop = Loop::current();
  std::size_t connections = 0, open = 0, errors = 0;
  std::vector<std::weak_ptr<net::Socket>> live;
  auto server = net::createServer([&](const net::SocketPtr& s) {
    ++connections;
    ++open;
    s->on(net::events::error, [](const Error&) {});
    s->on(net::events::close, [&] { --open; });
    s->pipe(s);
    live.push_back(s);
    if (live.size() > 4 * open + 64)  // forget the closed ones now and then
      std::erase_if(live, [](const std::weak_ptr<net::Socket>& w) { return w.expired(); });
  });
  server->on(net::events::error, [&](const Error& e) {
    ++errors;
    report("error " + e.code);
  });
  net::ListenOptions options;
  options.port = 0;
  options.host = "127.0.0.1";
  options.backlog = backlog;
  server->listen(options, [&] { report("port " + std::to_string(server->address()->port)); });

  asio::posix::stream_descriptor commands(loop.context(), ::dup(command_fd()));
  asio::streambuf input;
  std::function<void()> read_command = [&] {
    asio::async_read_until(commands, input, '\n', [&](std::error_code ec, std::size_t) {
      if (ec) {  // the parent is done (or gone)
        server->close();
        for (auto& w : live)
          if (auto s = w.lock()) s->destroy();
        std::error_code ignored;
        commands.close(ignored);
        return;
      }
      std::istream in(&input);
      std::string line;
      std::getline(in, line);
      if (line == "stats")
        report("stats connections=" + std::to_string(connections) + " open=" + std::to_string(open) +
               " errors=" + std::to_string(errors) + " fds=" + std::to_string(open_fds()));
      read_command();
    });
  };
  read_command();
  berth::run();
}

}  // namespace berth::reliability
