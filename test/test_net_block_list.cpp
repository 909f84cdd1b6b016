// The blockList options of net::createServer and net::connect (Node v23's, beyond v20):
// a server drops blocked peers before 'connection', a client refuses blocked addresses
// with ERR_IP_BLOCKED before sending anything.
#include "berth/net.hpp"

#include <asio/steady_timer.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net_support.hpp"
#include "support.hpp"

using namespace berth;
using berth::test::run_loop;
using berth::test::Trace;

namespace {

std::shared_ptr<net::BlockList> blocking_address(const std::string& address, const std::string& type = "ipv4") {
  auto list = std::make_shared<net::BlockList>();
  list->addAddress(address, type);
  return list;
}

// What a server with a block list saw, and what its clients saw.
struct Outcome {
  int connections = 0;
  std::vector<net::DropInfo> drops;
  std::uint16_t server_port = 0;
  std::vector<Trace> clients;       // one trace per client, in the order given
  std::vector<int> client_ports;    // each client's local port, once connected
};

// Listens on `listen_host` with `list`, connects one client to each of `connect_hosts`
// (at the same time), and closes the server once every client has closed. The server
// answers a connection with "served" and ends it.
Outcome serve(std::shared_ptr<const net::BlockList> list, const std::string& listen_host,
              std::vector<std::string> connect_hosts) {
  auto out = std::make_shared<Outcome>();
  out->clients.resize(connect_hosts.size());
  out->client_ports.resize(connect_hosts.size(), 0);
  net::ServerOptions options;
  options.blockList = std::move(list);
  auto server = net::createServer(options);
  server->on(net::events::connection, [out](const net::SocketPtr& s) {
    ++out->connections;
    s->end("served");
  });
  server->on(net::events::drop, [out](const net::DropInfo& d) { out->drops.push_back(d); });
  auto open_clients = std::make_shared<std::size_t>(connect_hosts.size());
  server->listen(0, listen_host, [server, out, open_clients, connect_hosts] {
    out->server_port = server->address()->port;
    for (std::size_t i = 0; i < connect_hosts.size(); ++i) {
      auto client = net::connect(out->server_port, connect_hosts[i]);
      net::Socket* c = client.get();  // listeners are released at 'close': no dangling use
      client->on(net::events::connect, [out, i, c] {
        out->clients[i]("connect");
        out->client_ports[i] = c->localPort().value_or(0);
      });
      client->on(net::events::data, [out, i](BufferView b) { out->clients[i]("data " + std::string(b)); });
      client->on(net::events::end, [out, i] { out->clients[i]("end"); });
      client->on(net::events::error, [out, i](const Error& e) { out->clients[i]("error " + e.code); });
      client->on(net::events::close, [out, i, server, open_clients](bool had_error) {
        out->clients[i](std::string("close ") + (had_error ? "true" : "false"));
        if (--*open_clients == 0) server->close();
      });
    }
  });
  run_loop();
  return *out;
}

const std::vector<std::string> dropped_client{"connect", "end", "close false"};
const std::vector<std::string> served_client{"connect", "data served", "end", "close false"};

}  // namespace

TEST_CASE("a server blocking 127.0.0.1 with addAddress drops that peer with 'drop' and no 'connection'",
          "[net][blocklist]") {
  auto out = serve(blocking_address("127.0.0.1"), "127.0.0.1", {"127.0.0.1"});
  CHECK(out.connections == 0);
  // The handshake is the kernel's, so the client connects; the server then closes it unread.
  CHECK(out.clients[0].lines == dropped_client);
  REQUIRE(out.drops.size() == 1);
  const auto& d = out.drops[0];
  CHECK(d.localAddress == "127.0.0.1");
  CHECK(d.localPort == out.server_port);
  CHECK(d.localFamily == "IPv4");
  CHECK(d.remoteAddress == "127.0.0.1");
  CHECK(d.remotePort == out.client_ports[0]);
  CHECK(d.remoteFamily == "IPv4");
}

TEST_CASE("a server blocking 127.0.0.0/8 with addSubnet drops a 127.0.0.1 peer", "[net][blocklist]") {
  auto list = std::make_shared<net::BlockList>();
  list->addSubnet("127.0.0.0", 8);
  auto out = serve(list, "127.0.0.1", {"127.0.0.1"});
  CHECK(out.connections == 0);
  CHECK(out.clients[0].lines == dropped_client);
  REQUIRE(out.drops.size() == 1);
  CHECK(out.drops[0].remoteAddress == "127.0.0.1");
  CHECK(out.drops[0].remotePort == out.client_ports[0]);
}

TEST_CASE("a dual-stack server blocking 127.0.0.1 serves a ::1 peer and drops a 127.0.0.1 one",
          "[net][blocklist]") {
  auto out = serve(blocking_address("127.0.0.1"), "::", {"::1", "127.0.0.1"});
  CHECK(out.connections == 1);
  CHECK(out.clients[0].lines == served_client);
  CHECK(out.clients[1].lines == dropped_client);
  REQUIRE(out.drops.size() == 1);
  CHECK(out.drops[0].remotePort == out.client_ports[1]);
}

TEST_CASE("a server whose list blocks other addresses serves a 127.0.0.1 peer", "[net][blocklist]") {
  auto list = std::make_shared<net::BlockList>();
  list->addAddress("127.0.0.2");
  list->addRange("127.0.0.3", "127.0.0.255");
  list->addSubnet("10.0.0.0", 8);
  list->addAddress("::1", "ipv6");
  auto out = serve(list, "127.0.0.1", {"127.0.0.1"});
  CHECK(out.connections == 1);
  CHECK(out.drops.empty());
  CHECK(out.clients[0].lines == served_client);

  auto empty = serve(std::make_shared<net::BlockList>(), "127.0.0.1", {"127.0.0.1"});
  CHECK(empty.connections == 1);
  CHECK(empty.drops.empty());
}

TEST_CASE("an IPv4 rule blocks the IPv4-mapped peer ::ffff:127.0.0.1 of a dual-stack server",
          "[net][blocklist]") {
  auto out = serve(blocking_address("127.0.0.1"), "::", {"127.0.0.1"});
  CHECK(out.connections == 0);
  CHECK(out.clients[0].lines == dropped_client);
  REQUIRE(out.drops.size() == 1);
  const auto& d = out.drops[0];
  // The server sees the peer as Node does: an IPv6 socket with a mapped address.
  CHECK(d.remoteAddress == "::ffff:127.0.0.1");
  CHECK(d.remoteFamily == "IPv6");
  CHECK(d.remotePort == out.client_ports[0]);
  CHECK(d.localAddress == "::ffff:127.0.0.1");
  CHECK(d.localFamily == "IPv6");
  CHECK(d.localPort == out.server_port);

  auto subnet = std::make_shared<net::BlockList>();
  subnet->addSubnet("127.0.0.0", 8);
  auto by_subnet = serve(subnet, "::", {"127.0.0.1", "::1"});
  CHECK(by_subnet.connections == 1);  // ::1 is not in an IPv4 subnet
  CHECK(by_subnet.clients[0].lines == dropped_client);
  CHECK(by_subnet.clients[1].lines == served_client);
}

TEST_CASE("an ::ffff:127.0.0.1 rule blocks a plain IPv4 127.0.0.1 peer", "[net][blocklist]") {
  auto out = serve(blocking_address("::ffff:127.0.0.1", "ipv6"), "127.0.0.1", {"127.0.0.1"});
  CHECK(out.connections == 0);
  CHECK(out.drops.size() == 1);
  CHECK(out.clients[0].lines == dropped_client);
}

TEST_CASE("rules added to the list after createServer apply to later peers", "[net][blocklist]") {
  auto list = std::make_shared<net::BlockList>();
  net::ServerOptions options;
  options.blockList = list;
  auto server = net::createServer(options);
  Trace trace;
  server->on(net::events::connection, [&](const net::SocketPtr& s) {
    trace("connection");
    s->end();
  });
  server->on(net::events::drop, [&](const net::DropInfo&) { trace("drop"); });
  server->listen(0, "127.0.0.1", [&] {
    auto first = net::connect(server->address()->port, "127.0.0.1");
    first->resume();
    first->on(net::events::close, [&](bool) {
      list->addAddress("127.0.0.1");  // the server holds the same list, as in Node
      auto second = net::connect(server->address()->port, "127.0.0.1");
      second->resume();
      second->on(net::events::close, [&](bool) { server->close(); });
    });
  });
  run_loop();
  CHECK(trace.lines == std::vector<std::string>{"connection", "drop"});
}

TEST_CASE("a Unix server with a block list serves its clients: they have no IP to check",
          "[net][blocklist][unix]") {
  berth::test::TempDir dir;
  auto path = dir.file("blocklist.sock");
  auto list = std::make_shared<net::BlockList>();
  list->addSubnet("0.0.0.0", 0);
  list->addSubnet("::", 0, "ipv6");
  net::ServerOptions options;
  options.blockList = list;
  int connections = 0, drops = 0;
  auto server = net::createServer(options, [&](const net::SocketPtr& s) {
    ++connections;
    s->end("served");
  });
  server->on(net::events::drop, [&](const net::DropInfo&) { ++drops; });
  std::string received;
  server->listen(path, [&] {
    auto client = net::connect(path);
    client->on(net::events::data, [&](BufferView b) { received += std::string(b); });
    client->on(net::events::close, [&](bool) { server->close(); });
  });
  run_loop();
  CHECK(connections == 1);
  CHECK(drops == 0);
  CHECK(received == "served");
}

namespace {

// A connect with a block list to a server that listens on `listen_host` and has none, so
// that anything reaching it would be accepted and counted. What the client emitted,
// and what the server saw 100 ms after the client's 'close'.
struct ConnectOutcome {
  std::vector<std::string> client;       // the client's events, in order
  bool emitted_synchronously = false;    // anything before connect() returned
  int server_connections = -1;           // 'connection' events
  int server_drops = -1;                 // 'drop' events
  std::optional<std::size_t> live;       // getConnections() at the end
  std::optional<Error> error;
};

ConnectOutcome connect_with(std::shared_ptr<const net::BlockList> list, const std::string& host,
                            LookupFunction lookup = {}, const std::string& listen_host = "127.0.0.1") {
  auto out = std::make_shared<ConnectOutcome>();
  auto counts = std::make_shared<std::pair<int, int>>(0, 0);
  auto server = net::createServer();
  server->on(net::events::connection, [counts](const net::SocketPtr& s) {
    ++counts->first;
    s->destroy();
  });
  server->on(net::events::drop, [counts](const net::DropInfo&) { ++counts->second; });
  server->listen(0, listen_host, [server, out, counts, list, host, lookup] {
    net::ConnectOptions options;
    options.port = server->address()->port;
    options.host = host;
    options.lookup = lookup;
    options.blockList = list;
    auto client = net::Socket::create();  // listeners first, to see a synchronous emit
    client->on(net::events::lookup, [out](const Error& e, const std::string& address, int family,
                                          const std::string& h) {
      out->client.push_back("lookup " + (e ? e.code : address + " " + std::to_string(family) + " " + h));
    });
    client->on(net::events::connectionAttempt, [out](const std::string& ip, int, int family) {
      out->client.push_back("connectionAttempt " + ip + " " + std::to_string(family));
    });
    client->on(net::events::connectionAttemptFailed, [out](const std::string& ip, int, int, const Error& e) {
      out->client.push_back("connectionAttemptFailed " + ip + " " + e.code);
    });
    client->on(net::events::connect, [out] { out->client.push_back("connect"); });
    client->on(net::events::ready, [out] { out->client.push_back("ready"); });
    client->on(net::events::end, [out] { out->client.push_back("end"); });
    client->on(net::events::error, [out](const Error& e) {
      out->client.push_back("error " + e.code + " " + e.message);
      out->error = e;
    });
    client->on(net::events::close, [out, counts, server](bool had_error) {
      out->client.push_back(std::string("close ") + (had_error ? "true" : "false"));
      // Had a SYN gone out, the kernel would have completed the handshake with this
      // listener and its accept loop would report the connection: give it time to.
      auto grace = std::make_shared<asio::steady_timer>(server->loop().context(), std::chrono::milliseconds(100));
      grace->async_wait([grace, out, counts, server](std::error_code) {
        server->getConnections([out, counts, server](const Error&, std::size_t n) {
          out->live = n;
          out->server_connections = counts->first;
          out->server_drops = counts->second;
          server->close();
        });
      });
    });
    client->resume();
    client->connect(options);
    out->emitted_synchronously = !out->client.empty();
  });
  run_loop();
  return *out;
}

// The client's events without 'connectionAttempt': Node v23 emits one for the blocked
// address before it checks the list (no packet is sent either way), berth does not.
std::vector<std::string> without_attempts(const std::vector<std::string>& events) {
  std::vector<std::string> kept;
  for (const auto& e : events)
    if (e.rfind("connectionAttempt ", 0) != 0) kept.push_back(e);
  return kept;
}

}  // namespace

TEST_CASE("connect to a blocked IP literal: 'error' ERR_IP_BLOCKED, 'close'(true), nothing reaches the server",
          "[net][blocklist][connect]") {
  auto out = connect_with(blocking_address("127.0.0.1"), "127.0.0.1");
  CHECK_FALSE(out.emitted_synchronously);
  CHECK(without_attempts(out.client) ==
        std::vector<std::string>{"error ERR_IP_BLOCKED IP(127.0.0.1) is blocked by net.BlockList", "close true"});
  REQUIRE(out.error);
  CHECK(out.error->code == "ERR_IP_BLOCKED");
  CHECK(out.error->kind == ErrorKind::Error);
  CHECK(out.server_connections == 0);
  CHECK(out.server_drops == 0);
  CHECK(out.live == std::size_t{0});
}

TEST_CASE("connect to a host whose lookup gives a blocked address: 'lookup', then ERR_IP_BLOCKED before any SYN",
          "[net][blocklist][connect]") {
  LookupFunction lookup = [](const std::string&, const LookupOptions&, LookupCallback cb) {
    cb(Error{}, {{"127.0.0.1", 4}});
  };
  auto list = std::make_shared<net::BlockList>();
  list->addSubnet("127.0.0.0", 24);
  auto out = connect_with(list, "example.test", lookup);
  CHECK(without_attempts(out.client) ==
        std::vector<std::string>{"lookup 127.0.0.1 4 example.test",
                                 "error ERR_IP_BLOCKED IP(127.0.0.1) is blocked by net.BlockList", "close true"});
  CHECK(out.server_connections == 0);
  CHECK(out.server_drops == 0);
  CHECK(out.live == std::size_t{0});

  // The same connect with a list that blocks something else reaches the server, with
  // its 'connectionAttempt': the listener above would have counted a connection.
  auto control = connect_with(blocking_address("127.0.0.2"), "example.test", lookup);
  CHECK(control.client == std::vector<std::string>{"lookup 127.0.0.1 4 example.test",
                                                    "connectionAttempt 127.0.0.1 4", "connect", "ready", "end",
                                                    "close false"});
  CHECK(control.server_connections == 1);
}

TEST_CASE("connect to 127.0.0.1 is refused by an ::ffff:127.0.0.1 rule too", "[net][blocklist][connect]") {
  auto out = connect_with(blocking_address("::ffff:127.0.0.1", "ipv6"), "127.0.0.1");
  CHECK(without_attempts(out.client) ==
        std::vector<std::string>{"error ERR_IP_BLOCKED IP(127.0.0.1) is blocked by net.BlockList", "close true"});
  CHECK(out.server_connections == 0);
}

// Node v23's internalConnectMultiple skips a blocked address ('connectionAttemptFailed'
// with ERR_IP_BLOCKED) and tries the next; see samples/FINDINGS.md B1.
TEST_CASE("a lookup giving a blocked and an allowed address connects to the allowed one",
          "[net][blocklist][connect]") {
  LookupFunction lookup = [](const std::string&, const LookupOptions&, LookupCallback cb) {
    cb(Error{}, {{"::1", 6}, {"127.0.0.1", 4}});
  };
  auto out = connect_with(blocking_address("::1", "ipv6"), "example.test", lookup, "::");
  // Node v23 emits 'connectionAttempt' and then checks the list (samples/FINDINGS.md B2).
  CHECK(out.client == std::vector<std::string>{"lookup ::1 6 example.test", "lookup 127.0.0.1 4 example.test",
                                                "connectionAttempt ::1 6",
                                                "connectionAttemptFailed ::1 ERR_IP_BLOCKED",
                                                "connectionAttempt 127.0.0.1 4", "connect", "ready", "end",
                                                "close false"});
  CHECK(out.server_connections == 1);
}
