// A chat server: a client's first line is its name, and every line after it goes to
// every other client as "name: line".
// Usage: chat_server [port]   (default 8124; talk to it with a few `nc localhost 8124`)
#include <algorithm>
#include <berth/net.hpp>
#include <iostream>
#include <list>
#include <string>
#include <string_view>

namespace net = berth::net;

struct Client {
  net::SocketPtr socket;
  std::string name;     // empty until the client has sent its first line
  std::string partial;  // the start of a line whose end has not arrived yet
};

int main(int argc, char* argv[]) {
  std::list<Client> clients;  // a list: iterators stay valid while others come and go

  auto broadcast = [&clients](const Client& from, const std::string& text) {
    std::cout << text << std::flush;
    for (auto& c : clients)
      if (&c != &from && !c.name.empty()) c.socket->write(text);
  };

  auto on_line = [&](Client& me, std::string line) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!me.name.empty()) {
      broadcast(me, me.name + ": " + line + "\n");
    } else if (!line.empty()) {
      auto others = std::count_if(clients.begin(), clients.end(), [](const Client& c) { return !c.name.empty(); });
      me.name = std::move(line);
      me.socket->write("Hi " + me.name + "! " + std::to_string(others) + " other(s) here.\n");
      broadcast(me, me.name + " joined\n");
    }
  };

  auto server = net::createServer([&](const net::SocketPtr& socket) {
    auto me = clients.insert(clients.end(), Client{socket, {}, {}});
    socket->write("Welcome! What is your name?\n");
    socket->on(net::events::data, [&, me](berth::BufferView chunk) {
      me->partial += std::string_view(chunk);
      for (std::size_t eol; (eol = me->partial.find('\n')) != std::string::npos;) {
        std::string line = me->partial.substr(0, eol);
        me->partial.erase(0, eol + 1);
        on_line(*me, std::move(line));
      }
    });
    // A client that vanishes (ECONNRESET) must not bring the server down; 'close' follows.
    socket->on(net::events::error, [](const berth::Error& e) { std::cout << "error: " << e.message << std::endl; });
    socket->on(net::events::close, [&, me] {
      if (!me->name.empty()) broadcast(*me, me->name + " left\n");
      clients.erase(me);  // drops our reference: the socket may be freed now
    });
  });
  server->listen(argc > 1 ? argv[1] : "8124", [] { std::cout << "chat server bound" << std::endl; });
  berth::run();
}
