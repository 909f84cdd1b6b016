#include "berth/event_emitter.hpp"

#include <algorithm>
#include <cstring>
#include <new>
#include <stdexcept>

namespace berth {

using detail::ListenerNode;

// The listeners of one event name, a singly linked list in call order (48 bytes).
struct EventEmitter::Slot {
  const char* name_data;  // the tag's own name (static_name), or a copy this slot owns
  std::uint32_t name_size : 31;
  std::uint32_t name_owned : 1;
  std::uint32_t live;  // listeners not removed
  const std::type_info* signature;
  ListenerNode* head;
  ListenerNode* tail;
  std::uint64_t order;  // when `live` last rose from 0, for eventNames()

  std::string_view name() const noexcept { return {name_data, name_size}; }
};

// One emit() in progress, on the stack; the emitter's destructor marks it.
struct EventEmitter::Frame {
  Frame* outer;
  bool destroyed = false;
};

// Leaves a frame, and once the outermost one is left frees what was removed during it.
struct EventEmitter::FrameGuard {
  EventEmitter* emitter;
  Frame& frame;

  ~FrameGuard() {
    if (frame.destroyed) return;
    emitter->frames_ = frame.outer;
    if (emitter->frames_ == nullptr && emitter->needs_sweep_) emitter->sweep();
  }
};

// Counts a listener as running, and frees it after its last call if its emitter died.
struct EventEmitter::CallGuard {
  ListenerNode& node;
  Frame& frame;

  CallGuard(ListenerNode& n, Frame& f) noexcept : node(n), frame(f) { ++node.running; }
  ~CallGuard() {
    --node.running;
    if (frame.destroyed && node.orphaned && node.running == 0) node.destroy();
  }
};

EventEmitter::EventEmitter() noexcept = default;

EventEmitter::~EventEmitter() {
  for (Frame* frame = frames_; frame != nullptr; frame = frame->outer) frame->destroyed = true;
  for (std::uint32_t i = 0; i < slot_count_; ++i) {
    Slot& slot = slots_[i];
    for (ListenerNode* node = slot.head; node != nullptr;) {
      ListenerNode* next = node->next;
      if (node->running > 0) node->orphaned = true;
      else node->destroy();
      node = next;
    }
    if (slot.name_owned) delete[] slot.name_data;
  }
  ::operator delete(slots_);
}

std::size_t EventEmitter::find(std::string_view name) const noexcept {
  for (std::uint32_t i = 0; i < slot_count_; ++i) {
    const Slot& slot = slots_[i];
    // Tags are usually the module's constants: the same view, no need to compare text.
    if (slot.name_size == name.size() && (slot.name_data == name.data() || slot.name() == name)) return i;
  }
  return slot_count_;
}

namespace {

void check_signature(const std::type_info& registered, const std::type_info& used,
                     std::string_view name) {
  if (registered != used)
    throw std::logic_error("berth::EventEmitter: event '" + std::string(name) +
                           "' used with two different listener signatures");
}

}  // namespace

EventEmitter::Slot& EventEmitter::new_slot(std::string_view name, bool static_name,
                                           const std::type_info& signature) {
  if (name.size() >= (std::size_t{1} << 31)) throw std::length_error("berth::EventEmitter: event name too long");
  // Grow at powers of two (the capacity is implied by the count).
  std::uint32_t count = slot_count_;
  if ((count & (count - 1)) == 0) {
    std::size_t capacity = count == 0 ? 1 : std::size_t{count} * 2;
    auto* grown = static_cast<Slot*>(::operator new(capacity * sizeof(Slot)));
    if (count > 0) std::memcpy(static_cast<void*>(grown), slots_, count * sizeof(Slot));
    ::operator delete(slots_);
    slots_ = grown;
  }
  const char* data = name.data();
  if (!static_name) {
    char* copy = new char[name.size() + 1];
    std::memcpy(copy, name.data(), name.size());
    copy[name.size()] = '\0';
    data = copy;
  }
  Slot* slot = new (&slots_[count]) Slot{};
  slot->name_data = data;
  slot->name_size = static_cast<std::uint32_t>(name.size());
  slot->name_owned = static_name ? 0 : 1;
  slot->live = 0;
  slot->signature = &signature;
  slot->head = slot->tail = nullptr;
  slot->order = 0;
  slot_count_ = count + 1;
  return *slot;
}

ListenerId EventEmitter::insert(std::string_view name, bool static_name, const std::type_info& signature,
                                detail::ListenerNodePtr owned, bool prepend, bool once) {
  std::size_t index = find(name);
  if (index == slot_count_) {
    new_slot(name, static_name, signature);
  } else {
    check_signature(*slots_[index].signature, signature, name);
  }
  Slot& slot = slots_[index];
  ListenerNode* node = owned.release();
  node->slot = static_cast<std::uint32_t>(index);
  node->once = once;
  node->added = ++sequence_;
  if (prepend) {
    node->next = slot.head;
    if (slot.head == nullptr) slot.tail = node;
    slot.head = node;
  } else {
    if (slot.tail != nullptr) slot.tail->next = node;
    else slot.head = node;
    slot.tail = node;
  }
  if (slot.live++ == 0) slot.order = node->added;
  return ListenerId{node->added};
}

bool EventEmitter::dispatch(std::string_view name, const std::type_info& signature,
                            void* arguments) {
  const std::size_t index = find(name);
  if (index == slot_count_) return false;
  const Slot& slot = slots_[index];
  check_signature(*slot.signature, signature, name);
  if (slot.live == 0) return false;

  Frame frame{frames_};
  frames_ = &frame;
  FrameGuard leave{this, frame};
  // The snapshot Node takes by copying the listener array: a listener takes part if it
  // was added before this stamp and not removed before it. `slot` is not used past
  // here: a listener may add events and so move slots_. Nodes are not unlinked while an
  // emit runs (retire() defers to sweep()), so `next` stays valid.
  const std::uint64_t snapshot = ++sequence_;
  for (ListenerNode* node = slot.head; node != nullptr; node = node->next) {
    if (node->added > snapshot || node->removed < snapshot || node->fired) continue;
    if (node->once) {
      node->fired = true;
      if (node->removed == ListenerNode::live) retire(*node);
    }
    {
      CallGuard call(*node, frame);
      node->invoke(*node, arguments);
    }
    if (frame.destroyed) break;  // `this` and the list are gone
  }
  return true;
}

// Takes `node` out of `slot`'s list (walking to its predecessor: the list is singly linked).
void EventEmitter::unlink(Slot& slot, ListenerNode& node) noexcept {
  ListenerNode* prev = nullptr;
  for (ListenerNode* at = slot.head; at != &node; at = at->next) prev = at;
  (prev != nullptr ? prev->next : slot.head) = node.next;
  if (slot.tail == &node) slot.tail = prev;
}

void EventEmitter::retire(ListenerNode& node) noexcept {
  node.removed = ++sequence_;
  Slot& slot = slots_[node.slot];
  --slot.live;
  if (frames_ != nullptr) {
    needs_sweep_ = true;  // an emit may be walking this list: unlink later
    return;
  }
  unlink(slot, node);
  node.destroy();
}

void EventEmitter::sweep() noexcept {
  needs_sweep_ = false;
  for (std::uint32_t i = 0; i < slot_count_; ++i) {
    Slot& slot = slots_[i];
    ListenerNode* prev = nullptr;
    for (ListenerNode* node = slot.head; node != nullptr;) {
      ListenerNode* next = node->next;
      if (node->removed != ListenerNode::live) {
        (prev != nullptr ? prev->next : slot.head) = next;
        if (slot.tail == node) slot.tail = prev;
        node->destroy();
      } else {
        prev = node;
      }
      node = next;
    }
  }
}

bool EventEmitter::remove(std::string_view name, ListenerId id) noexcept {
  const std::size_t index = find(name);
  if (index == slot_count_) return false;
  for (ListenerNode* node = slots_[index].head; node != nullptr; node = node->next) {
    if (ListenerId{node->added} == id) {
      if (node->removed != ListenerNode::live) return false;
      retire(*node);
      return true;
    }
  }
  return false;
}

void EventEmitter::remove_all(std::string_view name) noexcept {
  const std::size_t index = find(name);
  if (index == slot_count_) return;
  for (ListenerNode* node = slots_[index].head; node != nullptr;) {
    ListenerNode* next = node->next;  // retire() may free node
    if (node->removed == ListenerNode::live) retire(*node);
    node = next;
  }
}

void EventEmitter::removeAllListeners() noexcept {
  for (std::uint32_t i = 0; i < slot_count_; ++i) remove_all(slots_[i].name());
}

std::size_t EventEmitter::count(std::string_view name) const noexcept {
  const std::size_t index = find(name);
  return index == slot_count_ ? 0 : slots_[index].live;
}

std::vector<std::string> EventEmitter::eventNames() const {
  std::vector<const Slot*> active;
  for (std::uint32_t i = 0; i < slot_count_; ++i)
    if (slots_[i].live > 0) active.push_back(&slots_[i]);
  std::sort(active.begin(), active.end(),
            [](const Slot* a, const Slot* b) { return a->order < b->order; });
  std::vector<std::string> names;
  names.reserve(active.size());
  for (const Slot* slot : active) names.push_back(std::string(slot->name()));
  return names;
}

void EventEmitter::raise_unhandled(bool has_argument) {
  throw Error("ERR_UNHANDLED_ERROR",
              has_argument ? "Unhandled error." : "Unhandled error. (undefined)");
}

}  // namespace berth
