#pragma once
// berth::detail::Fifo: a first-in first-out queue over one std::vector, for per-connection
// queues that are empty most of their life.

#include <cstddef>
#include <utility>
#include <vector>

namespace berth::detail {

/// A queue that allocates nothing until its first push (std::deque allocates a 512-byte
/// block and its map when constructed: most of an idle socket's heap), and keeps its
/// capacity once emptied, so a steady stream of one-at-a-time pushes and pops allocates
/// nothing either. pop_front() only advances a head index; the storage is reused when the
/// queue empties.
template <class T>
class Fifo {
 public:
  Fifo() = default;
  Fifo(Fifo&& other) noexcept : items_(std::move(other.items_)), head_(std::exchange(other.head_, 0)) {
    other.items_.clear();
  }
  Fifo& operator=(Fifo&& other) noexcept {
    items_ = std::move(other.items_);
    head_ = std::exchange(other.head_, 0);
    other.items_.clear();
    return *this;
  }
  Fifo(const Fifo&) = delete;
  Fifo& operator=(const Fifo&) = delete;

  bool empty() const noexcept { return head_ == items_.size(); }
  std::size_t size() const noexcept { return items_.size() - head_; }
  T& front() noexcept { return items_[head_]; }
  void push_back(T item) { items_.push_back(std::move(item)); }
  void pop_front() {
    items_[head_] = T{};  // release what the item holds now, not when the queue empties
    if (++head_ == items_.size()) clear();
  }
  void clear() noexcept {
    items_.clear();
    head_ = 0;
  }

  auto begin() noexcept { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
  auto end() noexcept { return items_.end(); }

 private:
  std::vector<T> items_;
  std::size_t head_ = 0;
};

}  // namespace berth::detail
