// Reliability of a serving server: descriptor exhaustion (in a child process with
// a low RLIMIT_NOFILE), slow-loris clients held off with setTimeout, and close()
// while a thousand connections are mid-transfer.

#include <exception>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <numeric>
#include <thread>

#include "berth/net.hpp"
#include "reliability/child_server.hpp"
#include "reliability/support.hpp"
#include "reliability/watch.hpp"

using namespace berth;
using namespace berth::reliability;

namespace {

int raw_connect_nonblocking(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  return fd;
}

// Waits up to `limit` for each of `fds` (not yet done) to echo one byte back.
std::size_t collect_echoes(const std::vector<int>& fds, std::vector<bool>& echoed, milliseconds limit) {
  auto deadline = Clock::now() + limit;
  for (;;) {
    std::vector<pollfd> polls;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < fds.size(); ++i)
      if (!echoed[i]) {
        polls.push_back({fds[i], POLLIN, 0});
        index.push_back(i);
      }
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (polls.empty() || left <= 0) break;
    if (::poll(polls.data(), polls.size(), static_cast<int>(left)) <= 0) continue;
    for (std::size_t k = 0; k < polls.size(); ++k) {
      if (!(polls[k].revents & POLLIN)) continue;
      char c;
      if (::read(polls[k].fd, &c, 1) == 1 && c == 'x') echoed[index[k]] = true;
    }
  }
  return static_cast<std::size_t>(std::count(echoed.begin(), echoed.end(), true));
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

TEST_CASE("reliability child: echo server", "[.reliability-child]") {
  if (command_fd() < 0) return;  // only meaningful when started by reliability::Child
  run_child_echo_server();
}

TEST_CASE("accept under descriptor exhaustion: the server keeps running, without spinning, and serves again once "
          "descriptors free up",
          "[reliability]") {
  constexpr int limit = 64, clients = 120;
  Child child("reliability child: echo server", {{"BERTH_REL_NOFILE", std::to_string(limit)}});
  auto port_line = child.expect("port ");
  REQUIRE(port_line);
  const auto port = static_cast<std::uint16_t>(std::stoi(*port_line));

  std::vector<int> fds;
  for (int i = 0; i < clients; ++i) fds.push_back(raw_connect_nonblocking(port));
  ::usleep(100000);  // the kernel completes every handshake (backlog 511)
  for (int fd : fds) REQUIRE(::write(fd, "x", 1) == 1);
  std::vector<bool> echoed(fds.size(), false);
  const long cpu_before = child.cpu_ms();
  std::size_t served = collect_echoes(fds, echoed, milliseconds(1500));
  const long cpu_spent = child.cpu_ms() - cpu_before;
  WARN("RLIMIT_NOFILE " << limit << ": " << served << " of " << clients
                        << " connections served while out of descriptors; the child used " << cpu_spent
                        << " ms of CPU in those 1.5 s");
  CHECK(served > 0);
  CHECK(served < static_cast<std::size_t>(clients));
  CHECK(child.alive());
  CHECK(cpu_spent < 500);  // it waits for descriptors instead of spinning on accept

  // Hang up the served clients: their descriptors free up in the child, which
  // must then serve the ones that waited, as many at a time as fit.
  std::vector<int> waiting;
  for (std::size_t i = 0; i < fds.size(); ++i) {
    if (echoed[i]) ::close(fds[i]);
    else waiting.push_back(fds[i]);
  }
  const std::size_t waited = waiting.size();
  int rounds = 0;
  auto until = Clock::now() + milliseconds(15000);
  while (!waiting.empty() && Clock::now() < until) {
    ++rounds;
    std::vector<bool> done(waiting.size(), false);
    collect_echoes(waiting, done, milliseconds(1000));
    std::vector<int> still;
    for (std::size_t i = 0; i < waiting.size(); ++i) {
      if (done[i]) ::close(waiting[i]);
      else still.push_back(waiting[i]);
    }
    waiting.swap(still);
  }
  WARN("the " << waited << " connections that had waited were served in " << rounds
              << " rounds of hang-ups; " << waiting.size() << " never were");
  CHECK(waiting.empty());
  for (int fd : waiting) ::close(fd);

  // And a new client is served as usual.
  int fresh = raw_connect_nonblocking(port);
  ::usleep(20000);
  REQUIRE(::write(fresh, "x", 1) == 1);
  std::vector<bool> fresh_echoed{false};
  CHECK(collect_echoes({fresh}, fresh_echoed, milliseconds(3000)) == 1);
  ::close(fresh);

  child.send("stats");
  auto stats = child.expect("stats ");
  REQUIRE(stats);
  WARN("child: " << *stats);
  CHECK(stats->find("connections=" + std::to_string(clients + 1)) != std::string::npos);
  CHECK(child.finish() == 0);
}

// The lorises run on their own thread and loop (another process, in effect), so
// that the healthy client's latency measures the server, not the attackers.
TEST_CASE("slow-loris: 500 connections sending a byte a second are closed by setTimeout while a healthy client is "
          "served as fast as before",
          "[reliability]") {
  raise_nofile();
  constexpr int lorises = 500;
  constexpr auto idle = milliseconds(500);
  const auto attack = milliseconds(3000);
  std::size_t server_timeouts = 0, loris_bytes = 0;
  auto server = net::createServer([&](const net::SocketPtr& s) {
    s->on(net::events::error, [](const Error&) {});
    std::weak_ptr<net::Socket> weak = s;
    s->setTimeout(idle, [&, weak] {
      ++server_timeouts;
      if (auto self = weak.lock()) self->destroy();
    });
    s->on(net::events::data, [weak, &loris_bytes](BufferView chunk) {
      auto self = weak.lock();
      if (!self) return;
      if (chunk.size() == 1 && chunk.data()[0] == 'L') {
        ++loris_bytes;  // a loris's byte: never a complete request
        return;
      }
      self->write(chunk);
    });
  });
  net::ListenOptions listen;
  listen.port = 0;
  listen.host = "127.0.0.1";
  listen.backlog = 2048;
  server->listen(listen);
  REQUIRE(run_until([&] { return server->listening(); }));
  const int port = server->address()->port;

  // The healthy client: a fresh connection, a 5-byte request and its echo, every 20 ms.
  std::vector<double> latencies;
  std::size_t healthy_failures = 0;
  bool healthy_running = false, measuring = true;
  std::function<void()> healthy_request = [&] {
    healthy_running = true;
    auto started = Clock::now();
    auto c = net::connect(port, "127.0.0.1");
    auto got = std::make_shared<std::string>();
    c->on(net::events::error, [&](const Error&) { ++healthy_failures; });
    c->on(net::events::data, [&, started, got, w = std::weak_ptr<net::Socket>(c)](BufferView chunk) {
      got->append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
      if (*got == "hello") {
        latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
        if (auto s = w.lock()) s->end();
      }
    });
    c->on(net::events::close, [&] { healthy_running = false; });
    c->write("hello");
  };
  asio::steady_timer healthy_timer(Loop::current().context());
  std::function<void()> healthy_tick = [&] {
    if (!measuring) return;
    if (!healthy_running) healthy_request();
    healthy_timer.expires_after(milliseconds(20));
    healthy_timer.async_wait([&](std::error_code ec) {
      if (!ec) healthy_tick();
    });
  };

  // Baseline: the healthy client alone for a second.
  healthy_tick();
  run_for(milliseconds(1000));
  std::vector<double> baseline = latencies;
  latencies.clear();

  // The attack: 500 lorises at all times, started 10 every 20 ms, each sending
  // 'L' on connect and every second after; a loris the server closes comes back.
  std::atomic<bool> attacking{true}, attacker_done{false};
  std::atomic<std::size_t> loris_connections{0}, loris_closed{0}, loris_errors{0};
  std::vector<double> loris_lifetimes;  // the attacker thread's, read after join
  std::thread attacker([&] {
    struct Loris {
      std::weak_ptr<net::Socket> socket;
      Clock::time_point last_byte;
    };
    std::vector<Loris> live(lorises);
    std::function<void(int)> loris = [&](int i) {
      ++loris_connections;
      auto c = net::connect(port, "127.0.0.1");
      auto born = Clock::now();
      c->on(net::events::error, [&](const Error&) { ++loris_errors; });
      c->on(net::events::close, [&, i, born] {
        loris_lifetimes.push_back(std::chrono::duration<double, std::milli>(Clock::now() - born).count());
        ++loris_closed;
        if (attacking) loris(i);
      });
      c->resume();
      c->write("L");
      live[static_cast<std::size_t>(i)] = {c, born};
    };
    asio::steady_timer tick(Loop::current().context());
    int started = 0;
    std::function<void()> on_tick = [&] {
      for (int k = 0; k < 10 && started < lorises; ++k) loris(started++);
      auto now = Clock::now();
      for (auto& l : live)
        if (auto c = l.socket.lock(); c && !c->destroyed() && now - l.last_byte >= milliseconds(1000)) {
          c->write("L");
          l.last_byte = now;
        }
      tick.expires_after(milliseconds(20));
      tick.async_wait([&](std::error_code ec) {
        if (!ec && attacking) on_tick();
      });
    };
    on_tick();
    run_until([&] { return !attacking; }, attack + milliseconds(2000));
    tick.cancel();
    run_until([&] { return loris_closed == loris_connections; }, milliseconds(5000));
    live.clear();
    run_to_end(milliseconds(2000));
    attacker_done = true;
  });
  const auto attack_start = Clock::now();
  run_for(attack);
  attacking = false;
  measuring = false;
  healthy_timer.cancel();
  run_until([&] { return attacker_done && !healthy_running; }, milliseconds(10000));
  attacker.join();
  const double attack_s = std::chrono::duration<double>(Clock::now() - attack_start).count();

  const double base_p50 = percentile(baseline, 0.5), base_p99 = percentile(baseline, 0.99);
  const double p50 = percentile(latencies, 0.5), p99 = percentile(latencies, 0.99);
  const double worst = latencies.empty() ? 0 : *std::max_element(latencies.begin(), latencies.end());
  const double longest_loris =
      loris_lifetimes.empty() ? 0 : *std::max_element(loris_lifetimes.begin(), loris_lifetimes.end());
  WARN("healthy client alone: " << baseline.size() << " requests, p50 " << base_p50 << " ms, p99 " << base_p99
                                << " ms; under attack: " << latencies.size() << " requests, p50 " << p50
                                << " ms, p99 " << p99 << " ms, max " << worst << " ms");
  WARN(loris_connections << " loris connections in " << attack_s << " s (" << loris_errors << " errors), "
                         << server_timeouts << " closed by the server's 'timeout', longest-lived "
                         << longest_loris << " ms");

  CHECK(healthy_failures == 0);
  CHECK(latencies.size() >= 50);
  CHECK(loris_closed == loris_connections);
  // Served throughout: a loop the lorises held up would answer only as they time out,
  // `idle` (500 ms) and more per request. The figures themselves (WARN above) are not
  // asserted: under AddressSanitizer, beside another test, on a shared 2-core machine
  // the p99 reached 175 ms with nothing wrong (it is ~1 ms alone); speed is for the
  // benchmarks to measure.
  const double idle_ms = std::chrono::duration<double, std::milli>(idle).count();
  CHECK(p50 < idle_ms / 2);
  CHECK(p99 < idle_ms);
  CHECK(loris_connections >= static_cast<std::size_t>(2 * lorises));  // each lived about `idle`, then came back
  CHECK(server_timeouts == loris_connections);  // a loris only ever ends by the server's timeout
  CHECK(loris_bytes >= loris_connections);
  // Each loris was closed by the server's 500 ms idle timeout (server_timeouts above), not
  // by its own end; how long one lived is reported, not asserted (1244 ms under ASan on a
  // loaded machine, against ~510 ms alone; see the WARN above).

  server->close();
  CHECK(run_to_end(milliseconds(5000)));
}

// Each connection is a request/response exchange: the client asks for the next
// 64 KiB with one byte, eight times. Before close() every client has had its
// first response only; the other seven are transferred after it.
TEST_CASE("server close() while 1000 connections are mid-transfer: 'close' once, after the last one, no acknowledged "
          "byte lost",
          "[reliability]") {
  raise_nofile();
  const bool half_destroy = GENERATE(false, true);
  INFO((half_destroy ? "odd clients destroy themselves mid-transfer" : "every client reads to the end"));
  constexpr int n = 1000, responses = 8;
  constexpr std::size_t response = 64 * 1024, piece = 16 * 1024, total = responses * response;

  struct ServerSide {
    std::uint64_t queued = 0, acked = 0;
    std::unique_ptr<Pattern> pattern;
    std::weak_ptr<net::Socket> socket;
  };
  std::vector<ServerSide> sides(n);
  std::size_t server_sides_closed = 0, accepted = 0;
  int server_close_events = 0, close_callbacks = 0;
  std::size_t sides_destroyed_at_server_close = 0;
  Error close_error;
  std::vector<std::uint8_t> scratch(piece);

  auto server = net::createServer([&](const net::SocketPtr& s) {
    const std::size_t i = accepted++;
    sides[i].pattern = std::make_unique<Pattern>(i);
    sides[i].socket = s;
    s->on(net::events::error, [](const Error&) {});
    s->on(net::events::close, [&] { ++server_sides_closed; });
    std::weak_ptr<net::Socket> weak = s;
    s->on(net::events::data, [&, i, weak](BufferView requests) {
      auto self = weak.lock();
      auto& side = sides[i];
      for (std::size_t r = 0; r < requests.size() && self && !self->destroyed(); ++r) {
        for (std::size_t sent = 0; sent < response; sent += piece) {
          side.pattern->fill(scratch.data(), piece);
          side.queued += piece;
          self->write(BufferView(scratch.data(), piece), [&, i](const Error& e) {
            if (!e) sides[i].acked += piece;
          });
        }
        if (side.queued == total) self->end();
      }
    });
    std::uint64_t id = i;
    s->write(BufferView(&id, sizeof id));
  });
  // As in Node, the server's 'close' may come before the last connection's own
  // 'close' event (a loop turn later), but never before it is destroyed.
  server->on(net::events::close, [&] {
    ++server_close_events;
    for (auto& side : sides) {
      auto socket = side.socket.lock();
      if (!socket || socket->destroyed()) ++sides_destroyed_at_server_close;
    }
  });
  net::ListenOptions listen;
  listen.port = 0;
  listen.host = "127.0.0.1";
  listen.backlog = 2048;
  server->listen(listen);
  REQUIRE(run_until([&] { return server->listening(); }));
  const int port = server->address()->port;

  bool gate_open = false;  // requests after the first wait for close()
  struct Client {
    net::SocketPtr socket;
    std::optional<std::uint64_t> id;
    std::vector<std::uint8_t> head;
    std::optional<Pattern> expect;
    std::uint64_t received = 0;
    int requested = 0;
    bool intact = true, ended = false, destroyed_by_us = false;
    void request_more(bool gate_open) {
      int due = static_cast<int>(received / response) + 1;
      if (due > responses || requested >= due || (!gate_open && requested >= 1) || socket->destroyed()) return;
      ++requested;
      socket->write("n");
    }
  };
  std::vector<Client> clients(n);
  // A REQUIRE that fails below (a deadline on a loaded machine) leaves these sockets in
  // the thread's loop with listeners and write callbacks that point into this frame,
  // and GENERATE's next run would call them: a use-after-free report hiding the real
  // failure. On the way out by an exception, silence and destroy them, and let their
  // callbacks run while the frame still exists.
  struct AbandonOnFailure {
    std::vector<Client>& clients;
    std::vector<ServerSide>& sides;
    net::ServerPtr& server;
    ~AbandonOnFailure() {
      if (!std::uncaught_exceptions()) return;
      for (auto& cl : clients) {
        if (!cl.socket) continue;
        cl.socket->removeAllListeners();
        cl.socket->destroy();
      }
      for (auto& side : sides) {
        if (auto s = side.socket.lock()) {
          s->removeAllListeners();
          s->destroy();
        }
      }
      server->removeAllListeners();
      server->close();
      run_for(milliseconds(500));
    }
  } abandon_on_failure{clients, sides, server};
  for (int c = 0; c < n; ++c) {
    auto& cl = clients[static_cast<std::size_t>(c)];
    cl.socket = net::connect(port, "127.0.0.1");
    cl.socket->on(net::events::error, [](const Error&) {});
    cl.socket->on(net::events::end, [&cl] { cl.ended = true; });
    cl.socket->on(net::events::data, [&cl, &gate_open, c, half_destroy](BufferView chunk) {
      const std::uint8_t* p = chunk.data();
      std::size_t len = chunk.size();
      if (!cl.id) {
        std::size_t take = std::min<std::size_t>(len, 8 - cl.head.size());
        cl.head.insert(cl.head.end(), p, p + take);
        p += take;
        len -= take;
        if (cl.head.size() < 8) return;
        std::uint64_t id;
        std::memcpy(&id, cl.head.data(), 8);
        cl.id = id;
        cl.expect.emplace(id);
      }
      for (std::size_t k = 0; k < len; ++k)
        if (p[k] != cl.expect->next()) cl.intact = false;
      cl.received += len;
      if (half_destroy && c % 2 == 1 && cl.received >= 3 * response + 100 && !cl.destroyed_by_us) {
        cl.destroyed_by_us = true;  // in the middle of its fourth response
        cl.socket->destroy();
        return;
      }
      cl.request_more(gate_open);
    });
    cl.request_more(gate_open);
  }
  REQUIRE(run_until(
      [&] {
        if (accepted < static_cast<std::size_t>(n)) return false;
        for (auto& cl : clients)
          if (cl.received < response) return false;
        return true;
      },
      milliseconds(30000)));
  std::uint64_t received_before = 0;
  for (auto& cl : clients) received_before += cl.received;
  CHECK(server_sides_closed == 0);
  CHECK(received_before == std::uint64_t{n} * response);  // one response each, no more

  server->close([&](const Error& e) {
    ++close_callbacks;
    close_error = e;
  });
  CHECK_FALSE(server->listening());
  // A new client is refused at once; the others carry on.
  Watch refused;
  auto late = net::connect(port, "127.0.0.1");
  refused.attach(late);
  const auto started = Clock::now();
  gate_open = true;
  for (auto& cl : clients) cl.request_more(gate_open);
  // Bounded, not timed: under AddressSanitizer on a loaded 2-core machine the transfer took 99 s.
  REQUIRE(run_until([&] { return server_close_events > 0 && refused.closed(); },
                    milliseconds(asan_build() ? 240000 : 60000)));
  run_for(milliseconds(100));
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();

  std::uint64_t received = 0, acked = 0;
  std::size_t complete = 0, broken = 0, ended = 0, lost_acked = 0;
  for (auto& cl : clients) {
    received += cl.received;
    if (!cl.intact) ++broken;
    if (cl.ended) ++ended;
    if (!cl.id) continue;
    const auto& side = sides[*cl.id];
    acked += side.acked;
    if (cl.destroyed_by_us) continue;
    if (cl.received == total) ++complete;
    if (cl.received < side.acked) ++lost_acked;
  }
  const std::size_t readers = half_destroy ? n / 2 : n;
  WARN(n << " connections: " << received - received_before << " bytes transferred in " << seconds
         << " s after close(); " << complete << " complete; " << acked << " bytes acknowledged by write callbacks");
  CHECK(refused.log == std::vector<std::string>{"error:ECONNREFUSED", "close:true"});
  CHECK(server_close_events == 1);
  CHECK(close_callbacks == 1);
  CHECK_FALSE(close_error);
  CHECK(sides_destroyed_at_server_close == static_cast<std::size_t>(n));
  CHECK(server_sides_closed == static_cast<std::size_t>(n));
  CHECK(broken == 0);
  CHECK(lost_acked == 0);
  CHECK(complete == readers);
  CHECK(ended >= readers);
  std::size_t short_acked = 0;
  for (auto& cl : clients)
    if (!cl.destroyed_by_us && cl.id && sides[*cl.id].acked != total) ++short_acked;
  CHECK(short_acked == 0);

  clients.clear();
  late.reset();
  CHECK(run_to_end(milliseconds(10000)));
}
