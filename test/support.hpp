#pragma once
// Helpers shared by berth's tests: run a coroutine on a loop with a deadline,
// and a temporary directory for Unix socket paths.

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include "berth/loop.hpp"

namespace berth::test {

/// Runs `make()`'s awaitable on a fresh loop until it finishes; fails the test
/// (throws) if it throws or if `limit` passes first, so no test can hang.
template <class MakeAwaitable>
void run_coro(MakeAwaitable make, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  asio::io_context context;
  std::exception_ptr failure;
  bool finished = false;
  asio::co_spawn(context, make(), [&](std::exception_ptr e) {
    failure = e;
    finished = true;
    context.stop();
  });
  asio::steady_timer deadline(context, limit);
  deadline.async_wait([&](std::error_code ec) {
    if (!ec) context.stop();
  });
  context.run();
  if (failure) std::rethrow_exception(failure);
  if (!finished) throw std::runtime_error("test coroutine did not finish within its time limit");
}

/// A temporary directory removed at the end of the scope.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "berth-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace berth::test
