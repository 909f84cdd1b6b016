#include "berth/net/socket_reader.hpp"

#include <asio/cancellation_type.hpp>
#include <asio/execution/context.hpp>
#include <asio/query.hpp>
#include <asio/this_coro.hpp>

#include "berth/detail/pending_operation.hpp"
#include "berth/detail/stored_handler.hpp"

namespace berth::net {

// What the reader's listeners and its pending read share. The listeners stay for the
// reader's life, as Node's iterator keeps its 'readable' listener: a wake-up that comes
// while nothing waits is remembered, so none is lost between a read and its wait.
struct SocketReader::State final : berth::detail::PendingOperation {
  ~State() { unlink(); }

  void wake() {
    if (!waiter) {
      woken = true;
      return;
    }
    unlink();
    waiter.clear_slot();
    waiter.post(nullptr);
  }
  void cancel() {
    if (!waiter) return;
    unlink();
    waiter.post(std::make_exception_ptr(Error::aborted()));
  }
  void abandon() noexcept override {
    waiter.clear_slot();
    waiter.reset();  // a suspended coroutine's frame: freed, never resumed
  }

  // The pending wait's handler: an awaiting coroutine's, which fits inline.
  berth::detail::StoredHandler<4 * sizeof(void*), std::exception_ptr> waiter;
  bool woken = false;
  // The chunk read_view() lends; its capacity goes back and forth with the socket's buffer.
  std::vector<std::uint8_t> lent;
  ListenerId readable{}, end{}, error{}, close{};
  std::optional<AbortSignal::ListenerId> abort_listener;
};

SocketReader::SocketReader(SocketPtr socket, SocketReaderOptions options)
    : socket_(std::move(socket)), options_(std::move(options)), state_(std::make_shared<State>()) {
  std::weak_ptr<State> weak = state_;
  auto wake = [weak] {
    if (auto state = weak.lock()) state->wake();
  };
  state_->readable = socket_->on(events::readable, wake);  // paused mode, as Node's iterator
  state_->end = socket_->on(events::end, wake);
  state_->error = socket_->on(berth::events::error, wake);
  state_->close = socket_->on(events::close, wake);
  if (options_.signal) {
    // Node's addAbortSignal(signal, stream): the stream is destroyed with the reason.
    auto abort = [socket = std::weak_ptr<Socket>(socket_), signal = *options_.signal] {
      if (auto s = socket.lock(); s && !s->destroyed()) s->destroy(signal.reason());
    };
    if (options_.signal->aborted()) abort();
    else state_->abort_listener = options_.signal->onAbort(abort);
  }
}

SocketReader::SocketReader(SocketReader&&) noexcept = default;

SocketReader& SocketReader::operator=(SocketReader&& other) noexcept {
  if (this != &other) {
    close();
    socket_ = std::move(other.socket_);
    options_ = std::move(other.options_);
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
  if (options_.signal && state->abort_listener) options_.signal->removeListener(*state->abort_listener);
  // An error the socket was destroyed with is the reader's (Node's iterator listens
  // until it returns, and the 'error' comes on the next tick, so it hears it). berth
  // emits it a turn later: stopping here (a failed write made the loop break) must not
  // leave it to nobody, an uncaught error.
  if (socket_->destroyed() && socket_->errored()) socket_->once(berth::events::error, [](const Error&) {});
  if (options_.destroyOnReturn && !socket_->destroyed()) socket_->destroy();
  state->cancel();
}

asio::awaitable<std::optional<BufferView>> SocketReader::read_view(Error& error) {
  if (error) error = Error{};
  // Node's createAsyncIterator: read() what is buffered, else wait for 'readable' or the
  // end of the stream, and finish (destroying the socket) at its end or on its error.
  for (;;) {
    if (!state_) co_return std::nullopt;  // closed
    if (socket_->read_impl(std::nullopt, nullptr, &state_->lent)) co_return BufferView(state_->lent);
    if (socket_->errored()) {
      error = *socket_->errored();
      close();
      co_return std::nullopt;
    }
    if (socket_->readableEnded()) {
      close();
      co_return std::nullopt;
    }
    if (socket_->destroyed()) {  // destroyed before its end, without an error
      error = Error("ERR_STREAM_PREMATURE_CLOSE", "Premature close");
      close();
      co_return std::nullopt;
    }
    if (state_->woken) {
      state_->woken = false;
      continue;
    }
    // The wait is initiated here rather than in a coroutine of its own: one frame fewer
    // alive at a time keeps Asio's per-thread frame recycling (two blocks) enough.
    try {
      co_await asio::async_initiate<const asio::use_awaitable_t<>, void(std::exception_ptr)>(
          [](auto handler, const std::shared_ptr<State>& state) {
            auto slot = asio::get_associated_cancellation_slot(handler);
            auto executor = asio::get_associated_executor(handler);
            state->waiter.emplace(std::move(handler), executor);
            if (slot.is_connected()) {
              slot.assign([weak = std::weak_ptr<State>(state)](asio::cancellation_type) {
                if (auto s = weak.lock()) s->cancel();
              });
            }
            state->link(asio::query(executor, asio::execution::context));
          },
          asio::use_awaitable, state_);
    } catch (const Error& e) {  // cancelled through the slot: the reader stays usable
      error = e;
      co_return std::nullopt;
    }
  }
}

asio::awaitable<std::optional<BufferView>> SocketReader::read_view() {
  Error error;
  std::optional<BufferView> chunk = co_await read_view(error);
  if (error) throw error;
  co_return chunk;
}

asio::awaitable<std::optional<Buffer>> SocketReader::read(Error& error) {
  std::optional<BufferView> chunk = co_await read_view(error);
  if (!chunk) co_return std::nullopt;
  co_return Buffer(*chunk);
}

asio::awaitable<std::optional<Buffer>> SocketReader::read() {
  Error error;
  std::optional<Buffer> chunk = co_await read(error);
  if (error) throw error;
  co_return chunk;
}

}  // namespace berth::net
