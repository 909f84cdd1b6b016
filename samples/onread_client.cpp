// The `onread` client of Node's socket.connect() docs: every read lands in one reused
// 4 KiB buffer, and no 'data' event is emitted.
// Usage: onread_client [port [host]]   (default 80 on localhost; try it on address_server)
#include <array>
#include <berth/net.hpp>
#include <cstdint>
#include <iostream>

namespace net = berth::net;

int main(int argc, char* argv[]) {
  std::array<std::uint8_t, 4 * 1024> buffer;  // reused for every read from the socket
  net::ConnectOptions options;
  options.port = argc > 1 ? argv[1] : "80";
  if (argc > 2) options.host = argv[2];
  options.onread = net::OnRead{
      .buffer = buffer,
      .callback = [](std::size_t nread, std::span<std::uint8_t> buf) {
        // Received data is available in `buf` from 0 to `nread`.
        std::cout << berth::BufferView(buf).toString(berth::Encoding::utf8, 0, nread) << std::endl;
        return true;  // keep reading (false would pause the socket)
      }};
  net::connect(options);
  berth::run();
}
