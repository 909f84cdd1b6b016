#pragma once
// berth::detail::PendingOperation: how an io_context finds the operations of berth's own
// that wait on something other than itself (an event of an emitter), to free them when it
// shuts down.

#include <asio/execution_context.hpp>

namespace berth::detail {

/// An operation waiting on something the io_context does not own (once() waits for an
/// emitter's event), linked into its io_context's list of such operations (an intrusive
/// list: linking allocates nothing). Asio frees its own pending operations, and with them
/// their handlers (a suspended coroutine's frame), when the io_context shuts down; this
/// lets berth do the same, instead of leaving a handler that would later be posted to a
/// destroyed io_context.
struct PendingOperation {
  PendingOperation() = default;
  PendingOperation(const PendingOperation&) = delete;
  PendingOperation& operator=(const PendingOperation&) = delete;

  /// Joins the list of `context` (once).
  void link(asio::execution_context& context);
  void unlink() noexcept;

  /// The io_context shuts down with the operation pending: unlinked already, it frees its
  /// handler without calling it and lets go of what it waits on.
  virtual void abandon() noexcept = 0;

  PendingOperation* prev = nullptr;
  PendingOperation* next = nullptr;
  PendingOperation** head = nullptr;  // the list's first-member pointer, null when not linked

 protected:
  ~PendingOperation() { unlink(); }
};

}  // namespace berth::detail
