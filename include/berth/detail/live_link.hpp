#pragma once
// berth::detail::LiveLink: how an io_context finds the servers and sockets still alive on it.

#include <asio/io_context.hpp>
#include <memory>

namespace berth {
class EventEmitter;
}

namespace berth::detail {

/// An event emitter's membership in its io_context's list of live emitters (an
/// intrusive list: linking and unlinking allocate nothing). When the io_context shuts
/// down, every member still alive drops its listeners. Listeners that capture their
/// own server or socket, the usual shape of code ported from Node, form a cycle that
/// Node's garbage collector would break and that nothing else breaks in C++.
struct LiveLink {
  LiveLink() = default;
  LiveLink(const LiveLink&) = delete;
  LiveLink& operator=(const LiveLink&) = delete;
  ~LiveLink() { unlink(); }

  /// Joins the live list of `context` (once; later calls do nothing).
  void link(asio::io_context& context, std::weak_ptr<EventEmitter> emitter);
  void unlink() noexcept;

  /// Keeps the emitter alive while its handle is open, as libuv's list of open handles
  /// keeps a Node socket reachable when no JavaScript object refers to it any more. The
  /// io_context's shutdown lets go too.
  void hold(std::shared_ptr<EventEmitter> self) noexcept { held = std::move(self); }
  /// Lets go of hold(). It may destroy the emitter, and with it this link: call it last.
  void release() noexcept { held.reset(); }

  LiveLink* prev = nullptr;
  LiveLink* next = nullptr;
  LiveLink** head = nullptr;  // the list's first-member pointer, null when not linked
  std::weak_ptr<EventEmitter> emitter;
  std::shared_ptr<EventEmitter> held;  // set between hold() and release()
};

}  // namespace berth::detail
