#pragma once
// berth::EventEmitter: Node's EventEmitter with typed events.
//
// EVENTS AND THEIR NAMES. An event is a tag constant of type Event<void(Args...)>: Node's
// name for the event plus the arguments its listeners receive. A tag is named exactly as
// Node names the event and declared `inline constexpr` in a namespace `events` nested in
// the namespace of the module that emits it. Events every emitter has with the same
// arguments live in `berth::events` (here: error) and are brought into each module's
// `events` with a using-declaration. Emitters of one module that share an event name
// share its tag, with the longest argument list; an emitter with less to say passes a
// neutral value, and listeners may take only the leading arguments. For berth::net:
//
//   namespace berth::net::events {
//   inline constexpr Event<void(BufferView)> data{"data"};
//   inline constexpr Event<void(bool hadError)> close{"close"};  // Server passes false
//   using berth::events::error;
//   }  // namespace berth::net::events
//
//   socket->on(net::events::data, [](berth::BufferView chunk) { ... });
//   server->on(net::events::close, [] { ... });  // ignores hadError
//
// Within one emitter a name has one signature: using "close" with two signatures on the
// same emitter throws std::logic_error.
//
// SEMANTICS are Node's:
// - Listeners run synchronously, in registration order (prepend* put them first).
// - emit() calls the listeners registered when it began. One added during the emit is
//   not called by it; one removed during the emit still is (Node iterates a copy of the
//   listener array), unless it is a once-listener that already fired, e.g. in a nested
//   emit. A once-listener is removed just before it is called. Nested emits work.
// - An exception thrown by a listener propagates out of emit(), and the listeners after
//   it are not called.
// - emit(events::error, err) with no 'error' listener throws `err` (a berth::Error), as
//   Node raises it as an uncaught exception: it propagates out of whatever called emit(),
//   e.g. out of the loop's run(). An 'error' event whose first argument is not an Error
//   throws Error ERR_UNHANDLED_ERROR instead, "Unhandled error." (Node appends the
//   inspected value, which C++ cannot render generally).
// - Registering allocates one node for the listener; emit() allocates nothing.
// - A listener may destroy the emitter (e.g. delete a socket from its 'close' listener):
//   the emit in progress stops once that listener returns, touching nothing freed.
// Registration returns a ListenerId, which off()/removeListener() take to remove exactly
// that registration (a once-listener's too, before it fires).
// An emitter belongs to its loop's thread: it is not thread-safe.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "berth/error.hpp"

namespace berth {

template <class Signature>
struct Event;

/// An event tag: Node's name for the event and the arguments its listeners receive.
template <class... Args>
struct Event<void(Args...)> {
  static_assert((!std::is_rvalue_reference_v<Args> && ...),
                "every listener receives the same arguments: take them by value or by lvalue "
                "reference");

  /// The event's name, as Node spells it.
  std::string_view name;
  /// The tag was made in a constant expression (an `inline constexpr` tag, a static one):
  /// `name` then refers to static storage, and an emitter keeps the view rather than a
  /// copy of the name. Any other tag's name is copied.
  bool static_name;

  /// A tag for the event called `event_name`.
  constexpr explicit Event(std::string_view event_name) noexcept
      : name(event_name), static_name(std::is_constant_evaluated()) {}
};

namespace events {
/// 'error', emitted with the error; emit() with no listener for it throws the error.
inline constexpr Event<void(const Error&)> error{"error"};
}  // namespace events

/// One registration of a listener on one emitter, as returned by on(), once()...
enum class ListenerId : std::uint64_t { none = 0 };

namespace detail {

// How a listener receives an event argument: references as declared, values by const&.
template <class A>
using listener_arg_t = std::conditional_t<std::is_reference_v<A>, A, const A&>;

template <class F, class Tuple, class Indices>
struct invocable_with_prefix;

template <class F, class Tuple, std::size_t... I>
struct invocable_with_prefix<F, Tuple, std::index_sequence<I...>>
    : std::bool_constant<std::is_invocable_v<F&, std::tuple_element_t<I, Tuple>...>> {};

inline constexpr std::size_t no_arity = static_cast<std::size_t>(-1);

// The most leading arguments of Tuple that F can be called with, or no_arity. It stops
// at the first fit, so a generic listener is not instantiated for shorter lists.
template <class F, class Tuple, std::size_t N>
constexpr std::size_t listener_arity() {
  if constexpr (invocable_with_prefix<F, Tuple, std::make_index_sequence<N>>::value)
    return N;
  else if constexpr (N == 0)
    return no_arity;
  else
    return listener_arity<F, Tuple, N - 1>();
}

template <class F, class Signature>
struct listener_traits;

template <class F, class... Args>
struct listener_traits<F, void(Args...)> {
  using arguments = std::tuple<listener_arg_t<Args>...>;
  static constexpr std::size_t arity = listener_arity<F, arguments, sizeof...(Args)>();
};

// A registered listener, linked into its event's list (singly: 40 bytes before the
// listener's own captures, so that a listener capturing a shared_ptr takes one 64-byte
// heap block). Removal during an emit only stamps `removed`; the node is unlinked once no
// emit is running.
struct ListenerNode {
  // Calls the listener with a tuple of the arguments; with null arguments it destroys the
  // node instead (a function pointer rather than a virtual destructor: no vtable pointer).
  using Invoke = void (*)(ListenerNode& self, void* arguments);
  static constexpr std::uint64_t live = ~std::uint64_t{0};

  explicit ListenerNode(Invoke fn) noexcept : invoke(fn) {}
  ListenerNode(const ListenerNode&) = delete;
  ListenerNode& operator=(const ListenerNode&) = delete;

  /// Frees the node, whatever its listener's type.
  void destroy() noexcept { invoke(*this, nullptr); }

  Invoke invoke;
  ListenerNode* next = nullptr;
  std::uint64_t added = 0;        // sequence stamp at registration, also its ListenerId
  std::uint64_t removed = live;   // sequence stamp at removal
  std::uint32_t slot = 0;         // its event's index in the emitter's table
  std::uint16_t running = 0;      // calls of it in progress (nested emits: the stack ends first)
  bool once : 1 = false;
  bool fired : 1 = false;         // a once-listener that has been called
  bool orphaned : 1 = false;      // its emitter died while it ran: the last call frees it

 protected:
  ~ListenerNode() = default;  // destroy() frees a node
};

struct ListenerNodeDeleter {
  void operator()(ListenerNode* node) const noexcept { node->destroy(); }
};
using ListenerNodePtr = std::unique_ptr<ListenerNode, ListenerNodeDeleter>;

template <class F, class Signature>
struct Listener;

template <class F, class... Args>
struct Listener<F, void(Args...)> final : ListenerNode {
  using traits = listener_traits<F, void(Args...)>;

  template <class G>
  explicit Listener(G&& g) : ListenerNode(&call), fn(std::forward<G>(g)) {}

  static void call(ListenerNode& self, void* arguments) {
    if (arguments == nullptr) {
      delete &static_cast<Listener&>(self);
      return;
    }
    auto& args = *static_cast<typename traits::arguments*>(arguments);
    F& f = static_cast<Listener&>(self).fn;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      static_cast<void>(std::invoke(f, std::get<I>(args)...));
    }(std::make_index_sequence<traits::arity>{});
  }

  F fn;
};

}  // namespace detail

/// A callable that can listen to events of `Signature`: callable with the event's
/// arguments or, as JavaScript allows, with the first few of them (even none).
template <class F, class Signature>
concept ListenerFor =
    std::constructible_from<std::decay_t<F>, F> &&
    detail::listener_traits<std::decay_t<F>, Signature>::arity != detail::no_arity;

namespace detail {
template <class F, class Signature>
inline constexpr bool listener_fits = false;

// The overloads for a listener that does not fit its event: one message in berth's
// words (the notes under it name the event's signature and the listener's type).
template <class F, class Signature>
void wrong_listener() {
  static_assert(listener_fits<F, Signature>,
                "this listener does not fit its event: it must be callable with the event's arguments, or "
                "with the first few of them (even none), as in JavaScript; e.g. net::events::data takes "
                "void(berth::BufferView), net::events::close void(bool hadError), events::error "
                "void(const berth::Error&)");
}
}  // namespace detail

/// Node's EventEmitter: typed events, any number of listeners per event. Neither copied
/// nor moved: an emitter has an identity, which its listeners often capture.
class EventEmitter {
 public:
  /// An emitter without listeners.
  EventEmitter() noexcept;
  EventEmitter(const EventEmitter&) = delete;
  EventEmitter& operator=(const EventEmitter&) = delete;
  /// Frees the listeners; safe from within one of them (the emit in progress stops).
  virtual ~EventEmitter();

  /// `emitter.on(event, listener)`: adds `listener` after the others.
  template <class... Args, ListenerFor<void(Args...)> F>
  ListenerId on(const Event<void(Args...)>& event, F&& listener) {
    return add(event, std::forward<F>(listener), false, false);
  }
  template <class... Args, class F>
    requires(!ListenerFor<F, void(Args...)>)
  ListenerId on(const Event<void(Args...)>&, F&&) {
    detail::wrong_listener<F, void(Args...)>();
    return {};
  }

  /// `emitter.addListener(event, listener)`: the same as on().
  template <class... Args, ListenerFor<void(Args...)> F>
  ListenerId addListener(const Event<void(Args...)>& event, F&& listener) {
    return add(event, std::forward<F>(listener), false, false);
  }
  template <class... Args, class F>
    requires(!ListenerFor<F, void(Args...)>)
  ListenerId addListener(const Event<void(Args...)>&, F&&) {
    detail::wrong_listener<F, void(Args...)>();
    return {};
  }

  /// `emitter.once(event, listener)`: adds a listener removed when the event next fires.
  template <class... Args, ListenerFor<void(Args...)> F>
  ListenerId once(const Event<void(Args...)>& event, F&& listener) {
    return add(event, std::forward<F>(listener), false, true);
  }
  template <class... Args, class F>
    requires(!ListenerFor<F, void(Args...)>)
  ListenerId once(const Event<void(Args...)>&, F&&) {
    detail::wrong_listener<F, void(Args...)>();
    return {};
  }

  /// `emitter.prependListener(event, listener)`: adds `listener` before the others.
  template <class... Args, ListenerFor<void(Args...)> F>
  ListenerId prependListener(const Event<void(Args...)>& event, F&& listener) {
    return add(event, std::forward<F>(listener), true, false);
  }
  template <class... Args, class F>
    requires(!ListenerFor<F, void(Args...)>)
  ListenerId prependListener(const Event<void(Args...)>&, F&&) {
    detail::wrong_listener<F, void(Args...)>();
    return {};
  }

  /// `emitter.prependOnceListener(event, listener)`: once(), placed before the others.
  template <class... Args, ListenerFor<void(Args...)> F>
  ListenerId prependOnceListener(const Event<void(Args...)>& event, F&& listener) {
    return add(event, std::forward<F>(listener), true, true);
  }
  template <class... Args, class F>
    requires(!ListenerFor<F, void(Args...)>)
  ListenerId prependOnceListener(const Event<void(Args...)>&, F&&) {
    detail::wrong_listener<F, void(Args...)>();
    return {};
  }

  /// `emitter.off(event, listener)`: removes the registration `id`; false if `id` is not
  /// a current registration for `event`.
  template <class Signature>
  bool off(const Event<Signature>& event, ListenerId id) noexcept {
    return remove(event.name, id);
  }

  /// `emitter.removeListener(event, listener)`: the same as off().
  template <class Signature>
  bool removeListener(const Event<Signature>& event, ListenerId id) noexcept {
    return remove(event.name, id);
  }

  /// `emitter.removeAllListeners()`: removes every listener of every event.
  void removeAllListeners() noexcept;

  /// Called by the loop when its io_context shuts down with this emitter alive: drops what
  /// may hold the emitter in a cycle (its listeners; a socket's write callbacks too, which
  /// may own a suspended coroutine that owns the socket). Not for users.
  virtual void loop_shutdown() noexcept { removeAllListeners(); }

  /// `emitter.removeAllListeners(event)`: removes every listener of `event`.
  template <class Signature>
  void removeAllListeners(const Event<Signature>& event) noexcept {
    remove_all(event.name);
  }

  /// `emitter.listenerCount(event)`: how many listeners `event` has.
  template <class Signature>
  std::size_t listenerCount(const Event<Signature>& event) const noexcept {
    return count(event.name);
  }

  /// `emitter.eventNames()`: the events that have listeners, in the order each got its
  /// first one.
  std::vector<std::string> eventNames() const;

  /// `emitter.emit(event, ...args)`: calls the listeners of `event` with `args`; true if
  /// there were any. With none, an 'error' event throws its error (see above).
  template <class... Args>
  bool emit(const Event<void(Args...)>& event, detail::listener_arg_t<Args>... args) {
    std::tuple<detail::listener_arg_t<Args>...> packed{args...};
    if (dispatch(event.name, typeid(void(Args...)), &packed)) return true;
    if (event.name == events::error.name) throw_unhandled(args...);
    return false;
  }

 private:
  struct Slot;
  struct Frame;
  struct FrameGuard;
  struct CallGuard;

  template <class Signature, class F>
  ListenerId add(const Event<Signature>& event, F&& listener, bool prepend, bool once) {
    detail::ListenerNodePtr node(new detail::Listener<std::decay_t<F>, Signature>(std::forward<F>(listener)));
    return insert(event.name, event.static_name, typeid(Signature), std::move(node), prepend, once);
  }

  // Node's ERR_UNHANDLED_ERROR, for an unheard 'error' that carries no Error; with no
  // argument at all Node's message ends in "(undefined)".
  [[noreturn]] static void raise_unhandled(bool has_argument);

  [[noreturn]] static void throw_unhandled() { raise_unhandled(false); }

  template <class First, class... Rest>
  [[noreturn]] static void throw_unhandled(const First& first, const Rest&...) {
    if constexpr (std::is_convertible_v<const First&, const Error&>)
      throw static_cast<const Error&>(first);
    else
      raise_unhandled(true);
  }

  ListenerId insert(std::string_view name, bool static_name, const std::type_info& signature,
                    detail::ListenerNodePtr node, bool prepend, bool once);
  bool dispatch(std::string_view name, const std::type_info& signature, void* arguments);
  bool remove(std::string_view name, ListenerId id) noexcept;
  void remove_all(std::string_view name) noexcept;
  std::size_t count(std::string_view name) const noexcept;
  std::size_t find(std::string_view name) const noexcept;
  Slot& new_slot(std::string_view name, bool static_name, const std::type_info& signature);
  void unlink(Slot& slot, detail::ListenerNode& node) noexcept;
  void retire(detail::ListenerNode& node) noexcept;
  void sweep() noexcept;

  // One slot per event name ever used, never erased; the array's capacity is the next
  // power of two of the count. (Not a std::vector: 16 bytes less in every emitter.)
  Slot* slots_ = nullptr;
  std::uint32_t slot_count_ = 0;
  bool needs_sweep_ = false;
  Frame* frames_ = nullptr;  // the innermost emit in progress
  std::uint64_t sequence_ = 0;
};

}  // namespace berth
