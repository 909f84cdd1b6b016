#include "berth/net/socket_reader.hpp"

#include <asio/cancellation_type.hpp>
#include <asio/execution/context.hpp>
#include <asio/query.hpp>
#include <asio/this_coro.hpp>

#include "berth/detail/pending_operation.hpp"
#include "berth/detail/task.hpp"

namespace berth::net {

// What the reader's listeners and its pending wait share. The listeners stay for the
// reader's life, as Node's iterator keeps its 'readable' listener: a wake-up that comes
// while nothing waits is remembered, so none is lost between read() and wait().
struct SocketReader::State final : berth::detail::PendingOperation {
  // The pending wait's handler, type-erased: resumes it (with an error, or none).
  struct Waiter {
    virtual ~Waiter() = default;
    virtual void complete(std::exception_ptr failure) = 0;
    virtual void clear_slot() noexcept = 0;
  };

  ~State() { unlink(); }

  void wake() {
    if (!waiter) {
      woken = true;
      return;
    }
    auto w = std::move(waiter);
    unlink();
    w->clear_slot();
    w->complete(nullptr);
  }
  void cancel() {
    if (!waiter) return;
    auto w = std::move(waiter);
    unlink();
    w->complete(std::make_exception_ptr(Error::aborted()));
  }
  void abandon() noexcept override {
    auto w = std::move(waiter);  // a suspended coroutine's frame: freed, never resumed
    if (w) w->clear_slot();
  }

  std::unique_ptr<Waiter> waiter;
  bool woken = false;
  ListenerId readable{}, end{}, error{}, close{};
};

SocketReader::SocketReader(SocketPtr socket, SocketReaderOptions options)
    : socket_(std::move(socket)), options_(options), state_(std::make_shared<State>()) {
  std::weak_ptr<State> weak = state_;
  auto wake = [weak] {
    if (auto state = weak.lock()) state->wake();
  };
  state_->readable = socket_->on(events::readable, wake);  // paused mode, as Node's iterator
  state_->end = socket_->on(events::end, wake);
  state_->error = socket_->on(berth::events::error, wake);
  state_->close = socket_->on(events::close, wake);
}

SocketReader::SocketReader(SocketReader&&) noexcept = default;

SocketReader& SocketReader::operator=(SocketReader&& other) noexcept {
  if (this != &other) {
    close();
    socket_ = std::move(other.socket_);
    options_ = other.options_;
    state_ = std::move(other.state_);
  }
  return *this;
}

SocketReader::~SocketReader() { close(); }

void SocketReader::close() {
  if (!state_ || !socket_) return;
  auto state = std::move(state_);
  socket_->off(events::readable, state->readable);
  socket_->off(events::end, state->end);
  socket_->off(berth::events::error, state->error);
  socket_->off(events::close, state->close);
  if (options_.destroyOnReturn && !socket_->destroyed()) socket_->destroy();
  state->cancel();
}

asio::awaitable<void> SocketReader::wait() {
  State& state = *state_;
  if (state.woken) {
    state.woken = false;
    co_return;
  }
  auto executor = co_await asio::this_coro::executor;
  co_await asio::async_initiate<const asio::use_awaitable_t<>, void(std::exception_ptr)>(
      [this, &executor](auto handler) {
        using Handler = decltype(handler);
        struct Waiter final : State::Waiter {
          explicit Waiter(Handler h) : handler(std::move(h)) {}
          void complete(std::exception_ptr failure) override {
            auto ex = asio::get_associated_executor(*handler);
            asio::post(ex, [h = std::move(*handler), failure]() mutable { std::move(h)(failure); });
            handler.reset();
          }
          void clear_slot() noexcept override {
            if (handler) asio::get_associated_cancellation_slot(*handler).clear();
          }
          std::optional<Handler> handler;
        };
        auto waiter = std::make_unique<Waiter>(std::move(handler));
        auto slot = asio::get_associated_cancellation_slot(*waiter->handler);
        if (slot.is_connected()) {
          std::weak_ptr<State> weak = state_;
          slot.assign([weak](asio::cancellation_type) {
            if (auto state = weak.lock()) state->cancel();
          });
        }
        state_->waiter = std::move(waiter);
        state_->link(asio::query(executor, asio::execution::context));
      },
      asio::use_awaitable);
}

asio::awaitable<std::optional<Buffer>> SocketReader::read(Error& error) {
  if (error) error = Error{};
  // Node's createAsyncIterator: read() what is buffered, else wait for 'readable' or the
  // end of the stream, and finish (destroying the socket) at its end or on its error.
  for (;;) {
    if (!state_) co_return std::nullopt;  // closed
    if (std::optional<Buffer> chunk = socket_->read()) co_return chunk;
    if (socket_->errored()) {
      error = *socket_->errored();
      close();
      co_return std::nullopt;
    }
    if (socket_->readableEnded() || socket_->destroyed()) {
      close();
      co_return std::nullopt;
    }
    try {
      co_await wait();
    } catch (const Error& e) {  // cancelled through the slot: the Error& form returns it
      error = e;
      co_return std::nullopt;
    }
  }
}

asio::awaitable<std::optional<Buffer>> SocketReader::read() {
  Error error;
  std::optional<Buffer> chunk = co_await read(error);
  if (error) throw error;
  co_return chunk;
}

}  // namespace berth::net
