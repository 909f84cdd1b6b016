// The echo server on every core: one loop per thread, all listening on one port
// (SO_REUSEPORT), Node's cluster in one process. Ctrl+C stops it: the servers close,
// connections still open get 10 s to end; a second Ctrl+C drops them.
// Usage: cluster_echo_server [port [workers]]   (default 8124, one worker per core;
// port 0 lets the OS pick one port for all of them)
#include <berth/cluster.hpp>
#include <berth/net.hpp>
#include <cstdio>
#include <string>

namespace net = berth::net;

int main(int argc, char* argv[]) {
  berth::ClusterOptions options;
  if (argc > 2) options.workers = std::stoul(argv[2]);
  berth::Cluster cluster(options, [&](berth::Cluster::Worker& worker) {
    // On the worker's thread: createServer() makes the server on this thread's loop.
    auto server = net::createServer([i = worker.index()](const net::SocketPtr& c) {
      std::printf("worker %zu: client connected from port %d\n", i, c->remotePort().value_or(0));
      c->pipe(c);
    });
    net::ListenOptions listen;
    listen.port = argc > 1 ? argv[1] : "8124";
    worker.listen(server, listen);  // reusePort, closed when the cluster stops
  });
  try {
    cluster.start();  // returns once every worker listens
  } catch (const berth::Error& e) {
    std::fprintf(stderr, "%s\n", berth::to_string(e).c_str());  // e.g. EADDRINUSE
    return 1;
  }
  std::printf("echo server: %zu workers on port %u\n", cluster.size(), unsigned{cluster.addresses().front().port});
  std::fflush(stdout);
  cluster.wait();  // until Ctrl+C (SIGINT) or SIGTERM
  std::printf("echo server: stopped\n");
}
