// berth_core_echo on several loops: a berth::Cluster of N workers (one thread and one loop
// each) whose Acceptors share the port with SO_REUSEPORT; each connection is echoed on the
// loop that accepted it, exactly as berth_core_echo does (wait_readable, then try_read into
// one 64 KiB buffer per thread, echoed with try_write). benchmarks/scaling.sh runs it with 1
// and with 2 loops under the same load. With --loops 1 it is berth_core_echo plus the
// cluster's control thread, which sleeps.
// usage: berth_cluster_echo [--loops N] PORT   (listens on 127.0.0.1; N defaults to 1;
//        SIGINT/SIGTERM end it)

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <berth/acceptor.hpp>
#include <berth/cluster.hpp>
#include <berth/stream.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

thread_local std::array<char, 64 * 1024> shared_buffer;  // one per loop: its connections read here

asio::awaitable<void> echo(berth::Stream stream) {
  std::vector<char> unsent;  // empty unless the kernel once refused part of an echo
  std::error_code error;
  for (;;) {
    co_await stream.wait_readable(error);
    if (error) co_return;
    for (int i = 0; i < 4; ++i) {
      bool would_block = false, eof = false;
      std::size_t n = stream.try_read(asio::buffer(shared_buffer), error, would_block, eof);
      if (error || eof) co_return;
      if (would_block) break;
      std::size_t taken = stream.try_write(asio::buffer(shared_buffer.data(), n), error);
      if (error) co_return;
      if (taken < n) {
        unsent.assign(shared_buffer.data() + taken, shared_buffer.data() + n);
        co_await stream.write(asio::buffer(unsent), error);
        if (error) co_return;
      }
      if (n < shared_buffer.size()) break;
    }
  }
}

asio::awaitable<void> serve(berth::Acceptor& acceptor) {
  while (acceptor.is_open()) {
    berth::Error error;
    berth::Stream stream = co_await acceptor.accept(error);
    if (error) continue;  // closed by the cluster's stop (the loop ends), or e.g. EMFILE
    asio::co_spawn(stream.get_executor(), echo(std::move(stream)), asio::detached);
  }
}

[[noreturn]] void usage(const char* self) {
  std::fprintf(stderr, "usage: %s [--loops N] PORT\n", self);
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t loops = 1;
  const char* port = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--loops" && i + 1 < argc) loops = std::strtoul(argv[++i], nullptr, 10);
    else if (!port) port = argv[i];
    else usage(argv[0]);
  }
  if (!port || loops == 0) usage(argv[0]);

  berth::ClusterOptions options;
  options.workers = loops;
  options.gracePeriod = std::chrono::seconds(1);  // SIGTERM comes after the load generator closed
  berth::Cluster cluster(options, [&](berth::Cluster::Worker& worker) {
    berth::ListenOptions listen;
    listen.host = "127.0.0.1";
    listen.port = static_cast<std::uint16_t>(std::atoi(port));
    berth::Acceptor& acceptor = worker.listen(listen);
    asio::co_spawn(worker.get_executor(), serve(acceptor), asio::detached);
  });
  berth::Error error;
  cluster.run(error);
  if (error) {
    std::fprintf(stderr, "berth_cluster_echo: %s\n", berth::to_string(error).c_str());
    return 1;
  }
}
