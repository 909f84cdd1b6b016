#include "berth/cluster.hpp"

#include <pthread.h>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "berth/net/server.hpp"
#include "berth/port.hpp"

namespace berth {
namespace {

// SIGINT's and SIGTERM's handlers as they were before the first cluster that handles
// signals, put back after the last one ends. Asio resets a signal to SIG_DFL when its
// last signal_set goes; the handler found before (a test framework's, the
// application's) is restored then, unless something else has taken the signal meanwhile.
struct SavedSignals {
  std::mutex mutex;
  int users = 0;
  struct sigaction interrupt{};
  struct sigaction terminate{};
};

SavedSignals& saved_signals() {
  static SavedSignals saved;
  return saved;
}

void acquire_signals() {
  SavedSignals& s = saved_signals();
  std::lock_guard lock(s.mutex);
  if (s.users++ == 0) {
    ::sigaction(SIGINT, nullptr, &s.interrupt);
    ::sigaction(SIGTERM, nullptr, &s.terminate);
  }
}

void restore_if_default(int signal_number, const struct sigaction& saved) {
  struct sigaction now{};
  if (::sigaction(signal_number, nullptr, &now) != 0) return;
  if (!(now.sa_flags & SA_SIGINFO) && now.sa_handler == SIG_DFL) ::sigaction(signal_number, &saved, nullptr);
}

void release_signals() {
  SavedSignals& s = saved_signals();
  std::lock_guard lock(s.mutex);
  if (--s.users == 0) {
    restore_if_default(SIGINT, s.interrupt);
    restore_if_default(SIGTERM, s.terminate);
  }
}

// Whether a net::ListenOptions port asks the system to choose (0, undefined, null).
bool asks_any_port(const std::optional<PortValue>& port) {
  if (!port) return false;
  if (port->is_undefined() || port->is_null()) return true;
  return is_legal_port(*port) && validate_port(*port) == 0;
}

Error not_a_port(const char* what) {
  return Error("ERR_INVALID_ARG_VALUE",
               std::string("Cluster workers share a TCP port: listen() takes a port, not ") + what,
               ErrorKind::TypeError);
}

}  // namespace

// One worker. `mutex` guards `loop` and `ended` for the other threads (the control
// thread posts to the loop only while it exists); the rest belongs to the worker's thread.
struct Cluster::Worker::Impl {
  Impl(Cluster& cluster, Cluster::State& state, std::size_t index)
      : cluster(cluster), state(state), index(index), worker(*this) {}

  Cluster& cluster;
  Cluster::State& state;
  const std::size_t index;
  Worker worker;
  std::thread thread;

  std::mutex mutex;
  Loop* loop = nullptr;
  bool ended = false;

  struct Listened {
    std::shared_ptr<net::Server> server;
    bool settled = false;  // 'listening' or the listen's 'error' came
  };
  std::vector<Listened> servers;
  std::deque<Acceptor> acceptors;  // a deque: the references listen() returned stay valid
  std::vector<std::function<void()>> stop_callbacks;
  std::vector<AddressInfo> listened;  // by rank: the k-th listen's address
  std::size_t listens = 0;            // listen() calls so far (the next one's rank)
  std::size_t pending = 0;            // net::Server listens not settled yet
  bool setup_done = false;
  bool ready_sent = false;
  bool failed = false;
  bool stopping = false;
  bool hard = false;
};

// The cluster's coordination runs on a control thread, over its own io_context: the
// workers report to it (ready, failed, ended) by asio::post, and it alone decides when
// to start the other workers, stop them, and end. The signal_set and the grace timer
// live there too.
struct Cluster::State {
  using WorkerImpl = Worker::Impl;

  State(Cluster& owner, ClusterOptions options, Setup setup) : options(options), setup(std::move(setup)) {
    if (this->options.workers == 0) this->options.workers = std::max(1u, std::thread::hardware_concurrency());
    for (std::size_t i = 0; i < this->options.workers; ++i)
      workers.push_back(std::make_unique<WorkerImpl>(owner, *this, i));
  }

  ClusterOptions options;
  Setup setup;
  std::vector<std::unique_ptr<WorkerImpl>> workers;  // fixed once built: any thread may index it

  asio::io_context control{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<asio::signal_set> signals;
  asio::steady_timer grace{control};
  std::thread control_thread;
  std::atomic<bool> stop_requested{false};

  // The owner's thread.
  bool started = false;
  bool joined = false;
  bool error_thrown = false;

  // The control thread (and, once it has been joined, the owner's).
  bool stopping = false;
  bool finished = false;
  std::size_t launched = 0, ready = 0, ended = 0;
  std::exception_ptr error;
  bool signals_acquired = false;
  // Worker 0's listen addresses: written before workers 1.. are launched, read by them.
  std::vector<AddressInfo> shared;

  mutable std::mutex mutex;  // guards what follows
  std::condition_variable settled_cv;
  bool start_settled = false;  // start() may return: all ready, or the cluster ended
  bool start_finished = false;
  std::vector<AddressInfo> addresses;

  template <class F>
  void to_control(F&& f) {
    asio::post(control, std::forward<F>(f));
  }

  // ---- control thread --------------------------------------------------------------------

  void launch(std::size_t i) {
    if (stopping) {
      check_finished();
      return;
    }
    WorkerImpl& w = *workers[i];
    try {
      w.thread = std::thread([this, &w] { worker_main(w); });
      ++launched;
    } catch (...) {
      on_failed(std::current_exception());
    }
  }

  void on_ready(std::size_t i, std::vector<AddressInfo> listened) {
    if (stopping) return;
    if (i == 0) {
      shared = listened;
      {
        std::lock_guard lock(mutex);
        addresses = std::move(listened);
      }
      for (std::size_t j = 1; j < workers.size(); ++j) launch(j);
    }
    if (++ready == workers.size()) settle_start(false);
  }

  void on_failed(std::exception_ptr e) {
    if (!error) error = e;
    begin_stop();
  }

  void on_ended() {
    ++ended;
    check_finished();
  }

  bool post_to(WorkerImpl& w, std::function<void()> f) {
    std::lock_guard lock(w.mutex);
    if (!w.loop || w.ended) return false;
    asio::post(berth::detail::callback_executor(*w.loop), std::move(f));
    return true;
  }

  void begin_stop() {
    if (stopping) return;
    stopping = true;
    // A worker whose thread has not published its loop yet sees this before its setup
    // (worker_main) and skips it; the others get close_all posted.
    stop_requested.store(true);
    for (std::size_t i = 0; i < launched; ++i) {
      WorkerImpl& w = *workers[i];
      post_to(w, [this, &w] { close_all(w); });
    }
    if (options.gracePeriod != std::chrono::milliseconds::max()) {
      grace.expires_after(options.gracePeriod);
      grace.async_wait([this](const std::error_code& ec) {
        if (!ec) hard_stop();
      });
    }
    check_finished();
  }

  void hard_stop() {
    for (std::size_t i = 0; i < launched; ++i) {
      WorkerImpl& w = *workers[i];
      post_to(w, [&w] {
        w.hard = true;
        w.loop->stop();
      });
    }
  }

  void check_finished() {
    if (finished || ended < launched) return;
    if (!stopping && launched < workers.size()) return;  // worker 0 is not up yet
    finished = true;
    grace.cancel();
    if (signals) {
      std::error_code ignored;
      signals->cancel(ignored);
      signals.reset();
    }
    if (signals_acquired) {
      signals_acquired = false;
      release_signals();
    }
    work.reset();
    settle_start(true);
  }

  void settle_start(bool finish) {
    std::lock_guard lock(mutex);
    start_settled = true;
    start_finished = start_finished || finish;
    settled_cv.notify_all();
  }

  void arm_signals() {
    signals->async_wait([this](const std::error_code& ec, int) {
      if (ec || finished) return;
      if (!stopping) begin_stop();
      else hard_stop();  // a second signal: drop what is still open
      if (signals) arm_signals();
    });
  }

  // ---- worker threads --------------------------------------------------------------------

  void worker_main(WorkerImpl& w) {
    std::string name = "berth-worker-" + std::to_string(w.index);
    name.resize(std::min<std::size_t>(name.size(), 15));
    ::pthread_setname_np(::pthread_self(), name.c_str());

    Loop& loop = Loop::current();  // this thread's loop: net::createServer() uses it
    {
      std::lock_guard lock(w.mutex);
      w.loop = &loop;
    }
    // After the loop is published: a stop from now on reaches it (begin_stop posts
    // close_all); one from before set stop_requested first.
    try {
      if (!stop_requested.load()) setup(w.worker);
    } catch (...) {
      report_failure(w, std::current_exception());
    }
    w.setup_done = true;
    maybe_ready(w);
    for (;;) {
      try {
        loop.run();
        break;
      } catch (...) {
        // Node's worker would die here; this one closes its servers and lets the rest
        // finish as a stopping worker does (run() resumes where it was).
        report_failure(w, std::current_exception());
        if (w.hard) break;
      }
    }
    if (!w.ready_sent && !w.failed) {  // ended before its listens settled (closed at once)
      w.pending = 0;
      maybe_ready(w);
    }
    // What the setup handed over goes while the loop still exists: the thread's Loop
    // (and with it everything still pending on it) is destroyed as the thread exits.
    w.servers.clear();
    w.stop_callbacks.clear();
    w.acceptors.clear();
    {
      std::lock_guard lock(w.mutex);
      w.ended = true;
    }
    to_control([this] { on_ended(); });
  }

  void maybe_ready(WorkerImpl& w) {
    if (w.ready_sent || w.failed || !w.setup_done || w.pending > 0) return;
    w.ready_sent = true;
    to_control([this, i = w.index, listened = w.listened]() mutable { on_ready(i, std::move(listened)); });
  }

  void report_failure(WorkerImpl& w, std::exception_ptr e) {
    w.failed = true;
    to_control([this, e] { on_failed(e); });
    close_all(w);
  }

  void close_all(WorkerImpl& w) {
    if (w.stopping) return;
    w.stopping = true;
    for (auto& l : w.servers) {
      if (l.server->listening() || !l.settled) l.server->close();  // a pending lookup too
    }
    for (auto& a : w.acceptors) a.close();
    auto callbacks = std::move(w.stop_callbacks);
    w.stop_callbacks.clear();
    for (auto& f : callbacks) {
      try {
        f();
      } catch (...) {
        report_failure(w, std::current_exception());
      }
    }
  }
};

// ---- Cluster -----------------------------------------------------------------------------

Cluster::Cluster(Setup setup) : Cluster(ClusterOptions{}, std::move(setup)) {}

Cluster::Cluster(ClusterOptions options, Setup setup)
    : state_(std::make_unique<State>(*this, options, std::move(setup))) {}

Cluster::~Cluster() {
  if (state_->started && !state_->joined) {
    stop();
    try {
      wait();
    } catch (...) {
    }
  }
}

void Cluster::start() {
  State& s = *state_;
  if (s.started) throw Error("ERR_INVALID_STATE", "Invalid state: a Cluster starts once");
  s.started = true;
  if (s.stop_requested.load()) {
    s.joined = true;  // stopped before it started: nothing runs
    return;
  }
  try {
    if (s.options.handleSignals) {
      acquire_signals();
      s.signals_acquired = true;
      s.signals.emplace(s.control, SIGINT, SIGTERM);
      s.arm_signals();
    }
    s.work.emplace(s.control.get_executor());
    s.to_control([&s] { s.launch(0); });
    s.control_thread = std::thread([&s] { s.control.run(); });
  } catch (...) {
    s.signals.reset();
    if (s.signals_acquired) release_signals();
    s.signals_acquired = false;
    s.joined = true;
    throw;
  }
  bool finished;
  {
    std::unique_lock lock(s.mutex);
    s.settled_cv.wait(lock, [&s] { return s.start_settled; });
    finished = s.start_finished;
  }
  if (finished) wait();  // throws the failure, if any
}

void Cluster::start(Error& error) {
  error = Error{};
  try {
    start();
  } catch (const Error& e) {
    error = e;
  }
}

void Cluster::wait() {
  State& s = *state_;
  if (!s.started || s.joined) return;
  s.control_thread.join();
  for (auto& w : s.workers)
    if (w->thread.joinable()) w->thread.join();
  s.joined = true;
  if (s.error && !s.error_thrown) {
    s.error_thrown = true;
    std::rethrow_exception(s.error);
  }
}

void Cluster::wait(Error& error) {
  error = Error{};
  try {
    wait();
  } catch (const Error& e) {
    error = e;
  }
}

void Cluster::run() {
  start();
  wait();
}

void Cluster::run(Error& error) {
  start(error);
  if (!error) wait(error);
}

void Cluster::stop() noexcept {
  State& s = *state_;
  s.stop_requested.store(true);
  try {
    s.to_control([&s] { s.begin_stop(); });
  } catch (...) {
  }
}

bool Cluster::post(std::size_t index, std::function<void()> task) {
  State& s = *state_;
  if (index >= s.workers.size() || !task) return false;
  return s.post_to(*s.workers[index], std::move(task));
}

std::size_t Cluster::size() const noexcept { return state_->workers.size(); }

std::vector<AddressInfo> Cluster::addresses() const {
  std::lock_guard lock(state_->mutex);
  return state_->addresses;
}

// ---- Cluster::Worker ---------------------------------------------------------------------

std::size_t Cluster::Worker::index() const noexcept { return impl_->index; }
Loop& Cluster::Worker::loop() const noexcept { return *impl_->loop; }
asio::any_io_executor Cluster::Worker::get_executor() const noexcept { return impl_->loop->get_executor(); }
Cluster& Cluster::Worker::cluster() const noexcept { return impl_->cluster; }
bool Cluster::Worker::stopping() const noexcept { return impl_->stopping; }

void Cluster::Worker::listen(const std::shared_ptr<net::Server>& server, net::ListenOptions options,
                             std::function<void()> callback) {
  Impl& w = *impl_;
  std::size_t rank = w.listens++;
  if (options.path) throw not_a_port("a path");
  if (options.fd && *options.fd >= 0) throw not_a_port("an fd");
  if (&server->loop() != w.loop)
    throw Error("ERR_INVALID_ARG_VALUE", "The server belongs to another loop than this worker's",
                ErrorKind::TypeError);
  if (w.index > 0 && asks_any_port(options.port) && rank < w.state.shared.size())
    options.port = PortValue(static_cast<unsigned>(w.state.shared[rank].port));
  options.reusePort = true;
  if (w.listened.size() <= rank) w.listened.resize(rank + 1);

  std::size_t slot = w.servers.size();
  w.servers.push_back({server, false});
  ++w.pending;
  // Until 'listening', an 'error' is the listen's (EADDRINUSE...): it fails the cluster.
  ListenerId on_error = server->once(net::events::error, [&w, slot](const Error& e) {
    auto& l = w.servers[slot];
    if (l.settled) return;
    l.settled = true;
    --w.pending;
    w.state.report_failure(w, std::make_exception_ptr(e));
  });
  ListenerId on_listening = server->once(net::events::listening, [&w, slot, rank, on_error] {
    auto& l = w.servers[slot];
    if (l.settled) return;
    l.settled = true;
    --w.pending;
    l.server->off(net::events::error, on_error);
    if (auto address = l.server->address()) w.listened[rank] = *address;
    w.state.maybe_ready(w);
  });
  try {
    server->listen(std::move(options), std::move(callback));
  } catch (...) {
    server->off(net::events::error, on_error);
    server->off(net::events::listening, on_listening);
    w.servers[slot].settled = true;
    --w.pending;
    throw;
  }
}

Acceptor& Cluster::Worker::listen(const ListenOptions& options) {
  Error error;
  Acceptor& acceptor = listen(options, error);
  if (error) throw error;
  return acceptor;
}

Acceptor& Cluster::Worker::listen(const ListenOptions& options, Error& error) {
  Impl& w = *impl_;
  error = Error{};
  std::size_t rank = w.listens++;
  Acceptor& acceptor = w.acceptors.emplace_back(w.loop->get_executor());
  if (options.path) {
    error = not_a_port("a path");
    return acceptor;
  }
  if (options.fd) {
    error = not_a_port("an fd");
    return acceptor;
  }
  ListenOptions shared = options;
  shared.reusePort = true;
  if (w.index > 0 && shared.port == 0 && rank < w.state.shared.size()) shared.port = w.state.shared[rank].port;
  acceptor.listen(shared, error);
  if (w.listened.size() <= rank) w.listened.resize(rank + 1);
  if (!error) {
    if (auto address = acceptor.address()) w.listened[rank] = *address;
  }
  return acceptor;
}

void Cluster::Worker::on_stop(std::function<void()> callback) {
  if (!callback) return;
  if (impl_->stopping) {
    callback();  // already stopping: at once
    return;
  }
  impl_->stop_callbacks.push_back(std::move(callback));
}

}  // namespace berth
