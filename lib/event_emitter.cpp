#include "berth/event_emitter.hpp"

#include <algorithm>
#include <stdexcept>

namespace berth {

using detail::ListenerNode;

// The listeners of one event name, a doubly linked list in call order.
struct EventEmitter::Slot {
  std::string name;
  const std::type_info* signature;
  ListenerNode* head = nullptr;
  ListenerNode* tail = nullptr;
  std::size_t live = 0;     // listeners not removed
  std::uint64_t order = 0;  // when `live` last rose from 0, for eventNames()
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
    if (frame.destroyed && node.orphaned && node.running == 0) delete &node;
  }
};

EventEmitter::EventEmitter() noexcept = default;

EventEmitter::~EventEmitter() {
  for (Frame* frame = frames_; frame != nullptr; frame = frame->outer) frame->destroyed = true;
  for (Slot& slot : slots_) {
    for (ListenerNode* node = slot.head; node != nullptr;) {
      ListenerNode* next = node->next;
      if (node->running > 0) node->orphaned = true;
      else delete node;
      node = next;
    }
  }
}

std::size_t EventEmitter::find(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < slots_.size(); ++i)
    if (slots_[i].name == name) return i;
  return slots_.size();
}

namespace {

void check_signature(const std::type_info& registered, const std::type_info& used,
                     std::string_view name) {
  if (registered != used)
    throw std::logic_error("berth::EventEmitter: event '" + std::string(name) +
                           "' used with two different listener signatures");
}

}  // namespace

ListenerId EventEmitter::insert(std::string_view name, const std::type_info& signature,
                                std::unique_ptr<ListenerNode> owned, bool prepend, bool once) {
  std::size_t index = find(name);
  if (index == slots_.size()) {
    slots_.push_back(Slot{std::string(name), &signature});
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
    if (slot.head != nullptr) slot.head->prev = node;
    else slot.tail = node;
    slot.head = node;
  } else {
    node->prev = slot.tail;
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
  if (index == slots_.size()) return false;
  const Slot& slot = slots_[index];
  check_signature(*slot.signature, signature, name);
  if (slot.live == 0) return false;

  Frame frame{frames_};
  frames_ = &frame;
  FrameGuard leave{this, frame};
  // The snapshot Node takes by copying the listener array: a listener takes part if it
  // was added before this stamp and not removed before it. `slot` is not used past
  // here: a listener may add events and so move slots_.
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

void EventEmitter::retire(ListenerNode& node) noexcept {
  node.removed = ++sequence_;
  Slot& slot = slots_[node.slot];
  --slot.live;
  if (frames_ != nullptr) {
    needs_sweep_ = true;  // an emit may be walking this list: unlink later
    return;
  }
  (node.prev != nullptr ? node.prev->next : slot.head) = node.next;
  (node.next != nullptr ? node.next->prev : slot.tail) = node.prev;
  delete &node;
}

void EventEmitter::sweep() noexcept {
  needs_sweep_ = false;
  for (Slot& slot : slots_) {
    for (ListenerNode* node = slot.head; node != nullptr;) {
      ListenerNode* next = node->next;
      if (node->removed != ListenerNode::live) {
        (node->prev != nullptr ? node->prev->next : slot.head) = next;
        (next != nullptr ? next->prev : slot.tail) = node->prev;
        delete node;
      }
      node = next;
    }
  }
}

bool EventEmitter::remove(std::string_view name, ListenerId id) noexcept {
  const std::size_t index = find(name);
  if (index == slots_.size()) return false;
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
  if (index == slots_.size()) return;
  for (ListenerNode* node = slots_[index].head; node != nullptr;) {
    ListenerNode* next = node->next;  // retire() may free node
    if (node->removed == ListenerNode::live) retire(*node);
    node = next;
  }
}

void EventEmitter::removeAllListeners() noexcept {
  for (const Slot& slot : slots_) remove_all(slot.name);
}

std::size_t EventEmitter::count(std::string_view name) const noexcept {
  const std::size_t index = find(name);
  return index == slots_.size() ? 0 : slots_[index].live;
}

std::vector<std::string> EventEmitter::eventNames() const {
  std::vector<const Slot*> active;
  for (const Slot& slot : slots_)
    if (slot.live > 0) active.push_back(&slot);
  std::sort(active.begin(), active.end(),
            [](const Slot* a, const Slot* b) { return a->order < b->order; });
  std::vector<std::string> names;
  names.reserve(active.size());
  for (const Slot* slot : active) names.push_back(slot->name);
  return names;
}

void EventEmitter::raise_unhandled(bool has_argument) {
  throw Error("ERR_UNHANDLED_ERROR",
              has_argument ? "Unhandled error." : "Unhandled error. (undefined)");
}

}  // namespace berth
