// The coroutine echo client: sends lines to an echo server and prints what comes back.
// Usage: coro_echo_client [host [port [words...]]]   (defaults: localhost 8124)
// With words, sends them as one line; otherwise sends each line of stdin.
#include <asio/co_spawn.hpp>
#include <berth/berth.hpp>
#include <iostream>
#include <sstream>
#include <string>

// `input` outlives the coroutine: main() keeps it until the loop has finished.
asio::awaitable<void> talk(berth::ConnectOptions options, std::istream& input) {
  berth::Stream stream = co_await berth::connect(options);
  for (std::string line; std::getline(input, line);) {
    line += '\n';
    co_await stream.write(asio::buffer(line));
    std::string echoed(line.size(), '\0');
    co_await stream.read_exactly(asio::buffer(echoed));
    std::cout << echoed << std::flush;
  }
  stream.shutdown_write();
  char rest[1];
  co_await stream.read_some(asio::buffer(rest));  // wait for the server's FIN
}

int main(int argc, char* argv[]) {
  berth::ConnectOptions options;
  options.host = argc > 1 ? argv[1] : "localhost";
  options.port = argc > 2 ? argv[2] : "8124";
  std::string words;
  for (int i = 3; i < argc; ++i) words += (i > 3 ? " " : "") + std::string(argv[i]);
  std::istringstream words_input(words);

  berth::Loop loop;
  asio::co_spawn(loop.get_executor(), talk(options, argc > 3 ? words_input : std::cin),
                 [](std::exception_ptr e) {
                   if (e) std::rethrow_exception(e);
                 });
  try {
    loop.run();
  } catch (const berth::Error& e) {
    std::cerr << "coro_echo_client: " << e.message << '\n';
    return 1;
  }
}
