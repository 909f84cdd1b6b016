#pragma once
// berth::Cluster: N loops on N threads sharing one port (SO_REUSEPORT), Node's `cluster`
// in one process. It sits above both layers: a worker serves with a net::Server or with
// a coroutine Acceptor.

#include "berth/detail/coroutines.hpp"  // first: stops a build without coroutines, in words
#include <asio/any_io_executor.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "berth/acceptor.hpp"
#include "berth/address_info.hpp"
#include "berth/error.hpp"
#include "berth/loop.hpp"

namespace berth {

namespace net {
class Server;
struct ListenOptions;
}  // namespace net

/// How a Cluster runs.
struct ClusterOptions {
  /// How many workers (threads, one loop each); 0: std::thread::hardware_concurrency()
  /// (Node's `os.availableParallelism()`), at least 1. Node: one `cluster.fork()` each.
  std::size_t workers = 0;
  /// Whether SIGINT and SIGTERM stop the cluster (through `asio::signal_set`, while it
  /// runs): the first as stop() does, a second one at once, dropping what is still open.
  /// The signals' previous handlers are put back when the cluster ends.
  bool handleSignals = true;
  /// After stop(), how long connections still open may go on before their loops are
  /// stopped and they are dropped (closed as the loop is destroyed). `0ms`: at once;
  /// `std::chrono::milliseconds::max()`: wait for them however long they last.
  std::chrono::milliseconds gracePeriod{10000};
};

/// Node's `cluster` in one process: `workers` threads, each running its own berth::Loop
/// (the thread's Loop::current(), so net::createServer() and berth::run() there use it),
/// each with its own listening socket on the same port, with SO_REUSEPORT: the kernel
/// spreads incoming connections over the workers by a hash of their addresses (where
/// Node's primary deals them round-robin).
///
/// The setup callback runs once per worker, on that worker's thread, before its loop
/// runs; it creates the worker's servers there, through Worker::listen. Worker 0 is set
/// up first; the others start once it listens, so that a port of 0 means one port chosen
/// by the system for all of them, as in Node's cluster (see Worker::listen).
///
/// Objects belong to the loop (the thread) that made them; nothing of one worker may be
/// touched from another thread. To hand work to a worker, Cluster::post() (or
/// `asio::post(worker.get_executor(), f)` while its loop runs).
///
/// Stopping (stop(), SIGINT/SIGTERM) is Node's `cluster.disconnect()`: every worker
/// closes the servers it listened with and runs its on_stop callbacks, on its own
/// thread; connections in flight go on, and each loop ends by Node's rule once nothing
/// is left (no ref'd handle, no pending request); after `gracePeriod`, loops still
/// running are stopped. An exception out of any worker (its setup, a listen error such
/// as EADDRINUSE, an 'error' nobody listens to, a listener that throws) stops the others
/// the same way and is thrown by start() or wait().
///
/// start(), wait(), run() and the destructor are for the thread that owns the cluster;
/// stop(), post(), size() and addresses() may be called from any thread, workers included.
class Cluster {
 public:
  class Worker;
  /// Called on each worker's thread, once, with that worker.
  using Setup = std::function<void(Worker&)>;

  /// A cluster of std::thread::hardware_concurrency() workers.
  explicit Cluster(Setup setup);
  Cluster(ClusterOptions options, Setup setup);
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;
  /// Stops the cluster if it runs and waits for its threads (errors are dropped).
  ~Cluster();

  /// Starts the workers and returns once each has run its setup and every listen it made
  /// through Worker::listen is listening. When a worker fails first (or stop() comes),
  /// waits for all of them to end, then throws the failure (`listen EADDRINUSE: address
  /// already in use 127.0.0.1:8124`, an exception of the setup, ...) or returns.
  /// A cluster runs once: a second start() throws ERR_INVALID_STATE.
  void start();
  void start(Error& error);
  /// Waits until every worker's loop has ended, then throws the first exception a
  /// worker raised after start() returned, if any.
  void wait();
  void wait(Error& error);
  /// start(), then wait().
  void run();
  void run(Error& error);

  /// Stops the cluster (see the class comment); returns at once. Thread-safe, idempotent;
  /// before start(), start() then starts nothing. Not for a signal handler (see
  /// ClusterOptions::handleSignals).
  void stop() noexcept;

  /// Runs `task` on worker `index`'s thread, in its loop (asio::post; posted during the
  /// worker's setup, it runs once the loop runs). False, and the task is dropped, when
  /// that worker's thread has not started or its loop has ended, or `index >= size()`.
  /// An exception out of the task fails the cluster, as any other.
  bool post(std::size_t index, std::function<void()> task);

  /// The number of workers.
  std::size_t size() const noexcept;
  /// Where worker 0's Worker::listen calls listen, in call order (every worker listens
  /// on the same ports); empty until start() has returned.
  std::vector<AddressInfo> addresses() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// One worker of a Cluster, as its setup callback sees it (Node's `cluster.worker`). It
/// belongs to the worker's thread: use it there only (except cluster()).
class Cluster::Worker {
 public:
  /// 0 to `cluster().size() - 1` (Node's `worker.id` counts from 1).
  std::size_t index() const noexcept;
  /// This worker's loop: Loop::current() on its thread.
  Loop& loop() const noexcept;
  /// The loop's executor, for `asio::co_spawn` and berth's objects.
  asio::any_io_executor get_executor() const noexcept;
  /// The cluster, e.g. to stop() it from a worker.
  Cluster& cluster() const noexcept;
  /// Whether this worker has begun stopping (its servers closed).
  bool stopping() const noexcept;

  /// The event layer: `server->listen(options, callback)` with `reusePort` set, and the
  /// server closed when the cluster stops. A port of 0 (or undefined, or null) on worker
  /// 0 lets the system choose; on the others it is the port worker 0's listen of the same
  /// rank got (listens are matched by call order: every worker makes the same ones, as
  /// cluster workers run the same code). An 'error' before 'listening' (EADDRINUSE,
  /// EACCES, a failed lookup) fails the cluster: start() throws it. A TCP port only:
  /// `path` or `fd` throws ERR_INVALID_ARG_VALUE (they cannot be shared by SO_REUSEPORT).
  /// Throws what server->listen() throws.
  void listen(const std::shared_ptr<net::Server>& server, net::ListenOptions options,
              std::function<void()> callback = {});
  /// The coroutine core: an Acceptor owned by the worker, listening on `options` with
  /// `reusePort` set, the port shared as above; it lives until the worker's loop has
  /// ended and is closed when the cluster stops (a pending accept() then completes with
  /// ECANCELED). The throwing form's error fails the cluster if the setup lets it out.
  Acceptor& listen(const ListenOptions& options);
  Acceptor& listen(const ListenOptions& options, Error& error);

  /// `callback` runs on this worker's thread when the cluster stops, after its servers
  /// have been closed: for what the setup made without listen() (a server listened by
  /// hand, timers, connections to end). In the order added.
  void on_stop(std::function<void()> callback);


 private:
  friend class Cluster;
  struct Impl;
  explicit Worker(Impl& impl) noexcept : impl_(&impl) {}
  Impl* impl_;
};

}  // namespace berth
