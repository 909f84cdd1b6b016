// Reliability under load: connection churn with descriptors and memory measured
// before and after, and ten thousand concurrent connections each echoing 64 KiB.
// Churn runs the full 100 000 cycles over TCP and over a Unix socket (about
// 12 s in an optimized build; 20 000 under ASan, which runs them ten times slower).

#include <asio/co_spawn.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <catch2/catch.hpp>
#include <algorithm>
#include <atomic>
#include <exception>
#include <filesystem>
#include <random>
#include <thread>

#include "berth/net.hpp"
#include "reliability/support.hpp"
#include "support.hpp"

using namespace berth;
using namespace berth::reliability;

namespace {

// Runs `cycles` connect / echo 32 bytes / end / close cycles against `port` on
// 127.0.0.1, or against the Unix socket `path`, `chains` of them at a time;
// returns the number of errors seen plus the cycles that did not finish.
std::size_t churn(int port, std::size_t cycles, int chains, const std::string& path = "") {
  std::size_t started = 0, finished = 0, errors = 0;
  static const std::string message(32, 'c');
  std::function<void()> cycle = [&] {
    if (started >= cycles) return;
    ++started;
    auto c = path.empty() ? net::connect(port, "127.0.0.1") : net::connect(path);
    auto got = std::make_shared<std::size_t>(0);
    c->on(net::events::error, [&](const Error& e) {
      if (errors++ == 0) WARN("first churn error: " << e.message);
    });
    c->on(net::events::data, [got, w = std::weak_ptr<net::Socket>(c)](BufferView chunk) {
      *got += chunk.size();
      if (*got >= message.size())
        if (auto s = w.lock()) s->end();
    });
    c->on(net::events::close, [&] {
      ++finished;
      cycle();
    });
    c->write(message);
  };
  for (int i = 0; i < chains; ++i) cycle();
  bool all = run_until([&] { return finished == cycles; }, milliseconds(600000));
  if (!all || errors) WARN("churn: " << finished << " of " << cycles << " cycles finished, " << errors << " errors");
  return errors + (cycles - finished);
}

}  // namespace

TEST_CASE("connection churn: connect/echo/close cycles leave descriptors, heap and RSS where they were",
          "[reliability]") {
  const std::string kind = GENERATE(as<std::string>{}, "tcp", "unix");
  INFO(kind);
  // The 100 000; a tenth of the speed under ASan, so 20 000 there (the same checks).
  const std::size_t cycles = asan_build() ? 20000 : 100000;
  berth::test::TempDir dir;
  const std::string path = kind == "unix" ? dir.file("churn.sock") : "";
  auto server = net::createServer([](const net::SocketPtr& s) {
    s->on(net::events::error, [](const Error&) {});
    s->pipe(s);
  });
  if (kind == "unix") server->listen(path);
  else server->listen(0, "127.0.0.1");
  REQUIRE(run_until([&] { return server->listening(); }));
  const int port = kind == "unix" ? 0 : server->address()->port;

  // Warm up: the loop's reactor, Asio's handler caches, the allocator's arenas.
  REQUIRE(churn(port, 2000, 8, path) == 0);
  run_for(milliseconds(100));
  const std::size_t fds_before = open_fds();
  const std::size_t rss_before = rss_kib();
  const std::size_t heap_before = heap_in_use();

  const auto started = Clock::now();
  const std::size_t errors = churn(port, cycles, 8, path);
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  run_for(milliseconds(100));
  const std::size_t fds_after = open_fds();
  const std::size_t rss_after = rss_kib();
  const std::size_t heap_after = heap_in_use();
  const long long heap_delta = static_cast<long long>(heap_after) - static_cast<long long>(heap_before);
  const long long rss_delta = static_cast<long long>(rss_after) - static_cast<long long>(rss_before);

  WARN(kind << ": " << cycles << " cycles in " << seconds << " s (" << static_cast<double>(cycles) / seconds
              << " /s); descriptors " << fds_before << " -> " << fds_after << "; heap in use " << heap_before
              << " -> " << heap_after << " B (" << heap_delta << "); RSS " << rss_before << " -> " << rss_after
              << " KiB (" << rss_delta << ")" << (asan_build() ? " [ASan: RSS includes the quarantine]" : ""));
  CHECK(errors == 0);
  CHECK(fds_after == fds_before);
  // The heap is exact: what berth keeps per connection must all come back. 64 KiB
  // covers allocator bookkeeping and caches that settle late.
  CHECK(heap_delta <= 64 * 1024);
  // RSS is coarser (pages, arenas, a heap top not trimmed): 1 MiB is 10 bytes a
  // cycle over 100 000 cycles; a real per-connection leak is more.
  // ASan's quarantine holds freed memory on purpose, so RSS says nothing there.
  if (!asan_build()) CHECK(rss_delta <= 1024);

  server->close();
  CHECK(run_to_end(milliseconds(10000)));
  if (kind == "unix") CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("10 000 concurrent connections each echo 64 KiB: every byte comes back, in order", "[reliability]") {
  const std::size_t limit = raise_nofile();
  const int n = 10000;
  constexpr std::size_t size = 64 * 1024, piece = 16 * 1024;
  REQUIRE(limit >= static_cast<std::size_t>(n) + 100);
  // The server runs in a child process: 10 000 descriptors on each side.
  Child child("reliability child: echo server", {{"BERTH_REL_NOFILE", "max"}, {"BERTH_REL_BACKLOG", "4096"}});
  auto port_line = child.expect("port ");
  REQUIRE(port_line);
  const int port = std::stoi(*port_line);
  const std::size_t fds_before = baseline_fds();

  struct Client {
    net::SocketPtr socket;
    std::unique_ptr<Pattern> send, expect;
    std::uint64_t sent = 0, received = 0;
    Fnv sum;
    bool intact = true, connected = false, closed = false;
  };
  std::vector<Client> clients(n);
  std::size_t connected = 0, connecting = 0, next = 0, errors = 0, done = 0, closed = 0;
  std::vector<std::uint8_t> scratch(piece);

  std::function<void(Client&)> pump = [&](Client& cl) {
    while (cl.sent < size) {
      std::size_t len = std::min(piece, size - cl.sent);
      cl.send->fill(scratch.data(), len);
      cl.sent += len;
      if (!cl.socket->write(BufferView(scratch.data(), len))) return;  // 'drain' resumes
    }
  };
  // At most 256 connects in flight, so the SYN queue never overflows.
  std::function<void()> connect_more = [&] {
    while (connecting < 256 && next < clients.size()) {
      auto& cl = clients[next];
      cl.send = std::make_unique<Pattern>(next);
      cl.expect = std::make_unique<Pattern>(next);
      ++next;
      ++connecting;
      cl.socket = net::connect(port, "127.0.0.1");
      cl.socket->on(net::events::error, [&](const Error&) { ++errors; });
      cl.socket->on(net::events::connect, [&] {
        cl.connected = true;
        --connecting;
        ++connected;
        connect_more();
      });
      cl.socket->on(net::events::drain, [&] { pump(cl); });
      cl.socket->on(net::events::data, [&](BufferView chunk) {
        for (std::size_t k = 0; k < chunk.size(); ++k)
          if (chunk.data()[k] != cl.expect->next()) cl.intact = false;
        cl.sum.add(chunk.data(), chunk.size());
        cl.received += chunk.size();
        if (cl.received == size) {
          ++done;
          cl.socket->end();
        }
      });
      cl.socket->on(net::events::close, [&] {
        cl.closed = true;
        ++closed;
      });
    }
  };
  const auto t0 = Clock::now();
  connect_more();
  REQUIRE(run_until([&] { return connected + errors >= clients.size(); }, milliseconds(60000)));
  const auto t1 = Clock::now();
  REQUIRE(errors == 0);
  const std::size_t fds_open = open_fds();
  child.send("stats");
  auto stats_all_open = child.expect("stats ");

  // Every connection open at once; now every one sends and checks its echo.
  for (auto& cl : clients) pump(cl);
  bool finished = run_until([&] { return closed == clients.size() || errors > 0; }, milliseconds(90000));
  const auto t2 = Clock::now();

  std::uint64_t bytes = 0, combined = 0;
  std::size_t broken = 0, short_ones = 0;
  for (auto& cl : clients) {
    bytes += cl.received;
    combined ^= cl.sum.h;
    if (!cl.intact) ++broken;
    if (cl.received != size) ++short_ones;
  }
  const double connect_s = std::chrono::duration<double>(t1 - t0).count();
  const double transfer_s = std::chrono::duration<double>(t2 - t1).count();
  WARN(n << " connections open at once (" << fds_open << " descriptors here; child: "
         << stats_all_open.value_or("?") << "), connected in " << connect_s << " s; " << bytes
         << " bytes echoed and checked in " << transfer_s << " s (" << static_cast<double>(bytes) / transfer_s / 1e6
         << " MB/s each way); combined FNV-1a " << std::hex << combined);
  CHECK(finished);
  CHECK(errors == 0);
  CHECK(done == clients.size());
  CHECK(broken == 0);
  CHECK(short_ones == 0);
  CHECK(bytes == std::uint64_t{size} * clients.size());
  CHECK(fds_open >= fds_before + clients.size());

  clients.clear();
  run_for(milliseconds(100));
  CHECK(open_fds() == fds_before);
  CHECK(child.finish() == 0);
}

namespace {

// What one thread's loop saw in the test below. Catch2's assertions are not
// thread-safe: the threads only record, and the main thread checks.
struct LoopEcho {
  int port = 0;
  int connected = 0, accepted = 0, echoed = 0, checked = 0;
  std::size_t received = 0, mismatched = 0;
  bool ended = false;  // loop.run() returned by itself, before the deadline
  std::string error;   // the first exception a coroutine ended with
};

void record(LoopEcho& r, const std::exception_ptr& e) {
  if (!e || !r.error.empty()) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    r.error = x.what();
  } catch (...) {
    r.error = "unknown exception";
  }
}

asio::awaitable<void> echo_back(Stream s, LoopEcho& r) {
  std::vector<std::uint8_t> buf(16 * 1024);
  while (std::size_t n = co_await s.read_some(asio::buffer(buf))) co_await s.write(asio::buffer(buf.data(), n));
  s.shutdown_write();
  ++r.echoed;
}

// Sends `size` bytes drawn from `seed` while it reads the echo back, byte for byte.
asio::awaitable<void> echo_client(int port, std::uint32_t seed, std::size_t size, LoopEcho& r) {
  ConnectOptions options;  // built apart: g++ 12 mis-destroys temporaries in co_await
  options.host = "127.0.0.1";
  options.port = port;
  Stream s = co_await berth::connect(options);
  ++r.connected;
  std::vector<std::uint8_t> data(size);
  std::minstd_rand random(seed);
  for (auto& b : data) b = static_cast<std::uint8_t>(random() >> 8);
  // The writer's last step (shutdown_write) comes before the echo's FIN can, so it
  // has finished with `s` and `data` when the read loop below sees the end.
  asio::co_spawn(
      co_await asio::this_coro::executor,
      [&]() -> asio::awaitable<void> {
        co_await s.write(asio::buffer(data));
        s.shutdown_write();
      },
      [&r](std::exception_ptr e) { record(r, e); });
  std::vector<std::uint8_t> buf(64 * 1024);
  std::size_t got = 0;
  while (std::size_t n = co_await s.read_some(asio::buffer(buf))) {
    for (std::size_t i = 0; i < n; ++i)
      if (got + i >= size || buf[i] != data[got + i]) ++r.mismatched;
    got += n;
  }
  r.received += got;
  if (got == size) ++r.checked;
}

// One thread: its own berth::Loop (not Loop::current()), an acceptor on
// 127.0.0.1 port 0 echoing, and `clients` connections each sending `size` bytes.
void echo_on_own_loop(std::uint32_t seed, int clients, std::size_t size, std::atomic<int>& started,
                      LoopEcho& r) {
  // Both loops start together, so that their work overlaps (bounded, in case the
  // other thread failed before it got there).
  bool joined = false;
  auto start_together = [&] {
    joined = true;
    ++started;
    const auto until = Clock::now() + milliseconds(10000);
    while (started.load() < 2 && Clock::now() < until) std::this_thread::yield();
  };
  try {
    berth::Loop loop;
    auto ex = loop.get_executor();
    Acceptor acceptor(ex);
    berth::ListenOptions listen;
    listen.host = "127.0.0.1";
    acceptor.listen(listen);
    r.port = acceptor.address()->port;
    auto on_done = [&r](std::exception_ptr e) { record(r, e); };
    asio::co_spawn(
        ex,
        [&]() -> asio::awaitable<void> {
          for (int i = 0; i < clients; ++i) {
            Stream s = co_await acceptor.accept();
            ++r.accepted;
            asio::co_spawn(ex, echo_back(std::move(s), r), on_done);
          }
          acceptor.close();
        },
        on_done);
    for (int i = 0; i < clients; ++i)
      asio::co_spawn(ex, echo_client(r.port, seed + static_cast<std::uint32_t>(i), size, r), on_done);
    start_together();
    bool expired = false;
    asio::steady_timer deadline(loop.context(), milliseconds(60000));  // an Asio timer: holds no ref
    deadline.async_wait([&](std::error_code ec) {
      if (!ec) {
        expired = true;
        loop.stop();
      }
    });
    loop.run();
    deadline.cancel();
    r.ended = !expired;
  } catch (...) {
    record(r, std::current_exception());
    if (!joined) start_together();
  }
}

}  // namespace

// Each loop single-threaded, as Node's: two berth::Loop objects, each on its own
// thread with its own server and clients, at the same time: of berth, the threads
// share only its globals. Tagged [threads]: run under ThreadSanitizer.
TEST_CASE("two loops on two threads each echo over their own server at once: every byte comes back",
          "[reliability][threads]") {
  constexpr int clients = 4;
  constexpr std::size_t size = 1u << 20;
  std::atomic<int> started{0};
  LoopEcho a, b;
  std::thread ta(echo_on_own_loop, 1000u, clients, size, std::ref(started), std::ref(a));
  std::thread tb(echo_on_own_loop, 2000u, clients, size, std::ref(started), std::ref(b));
  ta.join();
  tb.join();
  for (const LoopEcho* r : {&a, &b}) {
    INFO("loop on port " << r->port);
    CHECK(r->error.empty());
    CHECK(r->ended);
    CHECK(r->port > 0);
    CHECK(r->connected == clients);
    CHECK(r->accepted == clients);
    CHECK(r->echoed == clients);
    CHECK(r->checked == clients);
    CHECK(r->received == clients * size);
    CHECK(r->mismatched == 0);
  }
  CHECK(a.port != b.port);
}

// Node's cluster, berth's way: one loop per thread, all listening on one port
// with SO_REUSEPORT. Tagged [threads]: the test to run under ThreadSanitizer.
TEST_CASE("loops on several threads sharing a port with reusePort: every connection is served, each loop closes "
          "cleanly",
          "[reliability][threads]") {
  constexpr int loops = 4, connections = 2000;
  std::atomic<int> port{0}, ready{0};
  std::atomic<bool> stop{false};
  std::vector<std::atomic<int>> served(loops);
  std::vector<std::atomic<bool>> clean(loops);
  auto worker = [&](int w) {
    auto server = net::createServer([&served, w](const net::SocketPtr& s) {
      ++served[static_cast<std::size_t>(w)];
      s->on(net::events::error, [](const Error&) {});
      s->pipe(s);
    });
    net::ListenOptions options;
    options.port = port.load();
    options.host = "127.0.0.1";
    options.reusePort = true;
    server->listen(options);
    if (!run_until([&] { return server->listening(); }, milliseconds(5000))) return;
    if (w == 0) port = server->address()->port;
    ++ready;
    run_until([&] { return stop.load(); }, milliseconds(120000));
    server->close();
    clean[static_cast<std::size_t>(w)] = run_to_end(milliseconds(10000));
  };
  std::vector<std::thread> threads;
  threads.emplace_back(worker, 0);
  while (ready == 0) std::this_thread::sleep_for(milliseconds(1));
  for (int w = 1; w < loops; ++w) threads.emplace_back(worker, w);
  while (ready < loops) std::this_thread::sleep_for(milliseconds(1));

  const std::size_t errors = churn(port, connections, 16);
  stop = true;
  for (auto& t : threads) t.join();
  int total = 0;
  std::string spread;
  for (int w = 0; w < loops; ++w) {
    total += served[static_cast<std::size_t>(w)];
    spread += (w ? " / " : "") + std::to_string(served[static_cast<std::size_t>(w)].load());
    CHECK(served[static_cast<std::size_t>(w)] > 0);
    CHECK(clean[static_cast<std::size_t>(w)]);
  }
  WARN(connections << " connections over " << loops << " loops sharing port " << port << ": " << spread);
  CHECK(errors == 0);
  CHECK(total == connections);
}
