// A line protocol on the coroutine core: each line a client sends ("\n" or "\r\n" ends
// it) comes back upper-cased; "quit" ends the connection. A line longer than 1 KiB is
// refused with an error line instead of growing memory.
//   coro_line_server [port]      then: printf 'hello\nquit\n' | nc 127.0.0.1 <port>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <berth/berth.hpp>
#include <cctype>
#include <iostream>
#include <string>

asio::awaitable<void> serve_lines(berth::Stream stream) {
  berth::BufferedReader reader(stream, 1024);
  berth::Error error;
  while (auto line = co_await reader.read_line(error)) {
    if (*line == "quit") break;
    std::string reply(*line);
    for (char& c : reply) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    reply += '\n';
    co_await stream.write(reply, error);
    if (error) break;
  }
  if (error.code == "ENOBUFS") co_await stream.write(std::string_view("error: line too long\n"), error);
  else if (error) std::cerr << error << '\n';
}

asio::awaitable<void> accept_loop(berth::Acceptor acceptor) {
  for (;;) {
    berth::Stream stream = co_await acceptor.accept();
    asio::co_spawn(stream.get_executor(), serve_lines(std::move(stream)), asio::detached);
  }
}

int main(int argc, char* argv[]) {
  berth::Loop loop;
  berth::Acceptor acceptor(loop.get_executor());
  berth::ListenOptions options{.port = berth::validate_port(argc > 1 ? argv[1] : "0"), .host = "127.0.0.1"};
  acceptor.listen(options);
  std::cout << "line server listening on port " << acceptor.address()->port << std::endl;
  asio::co_spawn(loop.get_executor(), accept_loop(std::move(acceptor)), asio::detached);
  loop.run();
}
