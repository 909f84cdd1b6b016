// Spec example "socket.connect(options)": onread with one reused 4 KiB buffer. (Port 0
// instead of 80, with a server that sends a few lines and ends. The server listens on
// '::', as listen(0) does, since the example's host, localhost, can be ::1 or 127.0.0.1.)
#include "trace.hpp"

using namespace conf;

void scenario() {
  auto server = net::createServer([](const net::SocketPtr& c) { c->end("line one\nline two\n"); });
  server->listen(0, [server] {
    // Reuses a 4KiB Buffer for every read from the socket.
    static auto buffer = Buffer::alloc(4 * 1024);
    auto c = net::connect(net::ConnectOptions{
        .port = server->address()->port,
        .onread = net::OnRead{.buffer = std::span<std::uint8_t>(buffer.data(), buffer.size()),
                              .callback = [](std::size_t nread, std::span<std::uint8_t> buf) {
                                // Received data is available in `buf` from 0 to `nread`.
                                line("client data", chunk(BufferView(buf.data(), nread)));
                                return true;
                              }}});
    c->on(net::events::close, [server] { server->close(); });
  });
}
