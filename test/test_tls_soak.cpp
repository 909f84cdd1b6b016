// The TLS resource soak (issue 13: "every berth process's descriptors and heap are back
// to where they started after 10 000 handshakes"): a berth tls::Server and berth clients
// sharing one SecureContext, in this one process, run full handshakes (no session
// resumed), four in flight at once; the process's open descriptors and heap in use are
// compared before and after, past a warm-up of 100 handshakes.
//
// Two server configurations:
// - "full chain": `cert` holds the server's certificate and its CA's, as a fullchain.pem
//   does.
// - "leaf only": `cert` is the leaf alone and there is no `ca`, so the context verifies
//   against the system's trust store (the one in-memory copy the process shares, as
//   Node's root store) and OpenSSL, completing the chain it sends, looks the issuer up
//   there on every handshake; a tenth of the count.
//
// The count: the 10 000 (and 1 000). A handshake costs about 3 ms of CPU here,
// both ends in one thread (OpenSSL 3.0 and the kernel take nine tenths of it): about 30 s,
// within ctest's 120 s; a leak of more than 7 bytes a handshake (66 on the second) fails
// the slack below. Measured here: descriptors equal, heap +7.9 KB and +2.9 KB. Under ASan
// (BERTH_SANITIZE, Debug) a handshake took 11 to 14 ms of CPU (berth's and Asio's code
// unoptimized and instrumented), so that build runs 500 (and 50).
// BERTH_TLS_SOAK_HANDSHAKES=N runs any other count.

#include <catch2/catch.hpp>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>

#include "berth/net.hpp"
#include "berth/tls.hpp"
#include "reliability/support.hpp"
#include "tls_event_support.hpp"

using namespace berth;
using namespace berth::reliability;
using berth::test::certs;

namespace {

std::size_t soak_handshakes() {
  if (const char* v = std::getenv("BERTH_TLS_SOAK_HANDSHAKES")) return std::strtoull(v, nullptr, 10);
  return asan_build() ? 500 : 10000;
}

struct Soak {
  std::size_t started = 0, finished = 0, errors = 0, unauthorized = 0;
};

// Runs `count` cycles against `port`, `chains` at a time: tls::connect (a full handshake
// verifying the server against the test CA), the server's "ok" and end(), the client's
// end in turn, 'close'. Every client shares one SecureContext, as Node's
// tls.createSecureContext result is shared: a context that kept something per connection
// would show here.
void soak(std::uint16_t port, const tls::SecureContext& context, std::size_t count, int chains, Soak& s) {
  s = Soak{};
  std::function<void()> cycle = [&] {
    if (s.started >= count) return;
    ++s.started;
    tls::ConnectionOptions options;
    options.port = port;
    options.host = "127.0.0.1";
    options.servername = "localhost";
    options.secureContext = context;
    auto c = tls::connect(options);
    std::weak_ptr<tls::TLSSocket> weak = c;
    c->on(tls::events::secureConnect, [&s, weak] {
      if (auto t = weak.lock(); t && !t->authorized()) ++s.unauthorized;
    });
    c->on(berth::events::error, [&s](const Error& e) {
      if (s.errors++ == 0) WARN("first client error: " << e.code << " " << e.message);
    });
    c->on(net::events::close, [&s, &cycle](bool) {
      ++s.finished;
      cycle();
    });
    c->resume();
  };
  for (int i = 0; i < chains; ++i) cycle();
  // Bounded below ctest's timeout (120 s, 300 s under a sanitizer) at the default counts,
  // so that a stall fails here with the figures rather than as a killed process.
  const std::size_t per_second = asan_build() ? 10 : 60;
  run_until([&] { return s.finished == count; }, milliseconds(10000 + count * 1000 / per_second));
}

}  // namespace

TEST_CASE("thousands of TLS handshakes leave the process's descriptors and heap where they were", "[tls][soak]") {
  const bool full_chain = GENERATE(true, false);
  const std::size_t count = full_chain ? soak_handshakes() : soak_handshakes() / 10;
  const std::string config = full_chain ? "full chain" : "leaf only, system trust store";
  INFO(config);
  std::size_t server_errors = 0;
  auto options = berth::test::tls_server_options(certs().server);
  if (full_chain) options.cert = certs().server.cert + certs().ca.cert;
  auto server = tls::createServer(options, [](const tls::TLSSocketPtr& s) { s->end("ok"); });
  server->on(tls::events::tlsClientError, [&](const Error& e, const tls::TLSSocketPtr&) {
    if (server_errors++ == 0) WARN("first tlsClientError: " << e.code << " " << e.message);
  });
  server->on(net::events::connection, [&](const net::SocketPtr& s) {
    s->on(berth::events::error, [&](const Error& e) {
      if (server_errors++ == 0) WARN("first server socket error: " << e.code << " " << e.message);
    });
  });
  server->listen(0, "127.0.0.1");
  REQUIRE(run_until([&] { return server->listening(); }));
  const auto port = static_cast<std::uint16_t>(server->address()->port);
  tls::SecureContextOptions client_options;
  client_options.ca = {certs().ca.cert};
  const tls::SecureContext client_context(client_options);

  // Warm-up: the loop's reactor, Asio's handler caches, OpenSSL's one-time state (its
  // per-thread error queue, the algorithms it fetches once and caches), the allocator's
  // arenas. After it, nothing is allowed to grow with the number of handshakes.
  Soak warm;
  soak(port, client_context, 100, 4, warm);
  REQUIRE(warm.finished == 100);
  REQUIRE(warm.errors == 0);
  run_for(milliseconds(100));
  const std::size_t fds_before = open_fds();
  const std::size_t heap_before = heap_in_use();

  Soak run;
  const auto started = Clock::now();
  soak(port, client_context, count, 4, run);
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  run_for(milliseconds(100));
  const std::size_t fds_after = open_fds();
  const std::size_t heap_after = heap_in_use();
  const long long heap_delta = static_cast<long long>(heap_after) - static_cast<long long>(heap_before);

  WARN(config << ": " << count << " TLS handshakes in " << seconds << " s (" << static_cast<double>(count) / seconds
              << " /s, 4 in flight); descriptors " << fds_before << " -> " << fds_after << "; heap in use "
              << heap_before << " -> " << heap_after << " B (" << heap_delta << ")"
              << (asan_build() ? " [ASan build: its allocator's figures]" : ""));
  CHECK(run.finished == count);
  CHECK(run.errors == 0);
  CHECK(run.unauthorized == 0);
  CHECK(server_errors == 0);
  CHECK(fds_after == fds_before);
  // What a handshake keeps must all come back: 64 KiB of slack covers allocator
  // bookkeeping and caches that settle late (measured: under 40 KB after 10 000). One TLS
  // session kept per connection is kilobytes: OpenSSL's internal client session cache on
  // the shared context kept 88 MB over 10 000 before SecureContext stopped storing
  // sessions there.
  CHECK(heap_delta <= 64 * 1024);

  server->close();
  CHECK(run_to_end(milliseconds(10000)));
}
