#include "berth/event_emitter.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <functional>
#include <iterator>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "berth/buffer.hpp"
#include "berth/error.hpp"

// Counts every allocation of the test program, so a test can assert that a stretch of
// code allocates nothing. (Replacing operator new is program-wide: no other test file
// may replace it too; one that wants the count declares berth::test::allocations().)
// It also counts the deletes of the blocks a test watches (watch_deletes).
namespace berth::test {
std::atomic<std::size_t> allocation_counter{0};
std::size_t allocations() noexcept { return allocation_counter.load(std::memory_order_relaxed); }
std::atomic<bool> watching{false};
std::atomic<void*> watched_blocks[8];
std::atomic<std::size_t> watched_deletes{0};
void watch_deletes(void* const* blocks, std::size_t count) noexcept {
  watching.store(true);
  watched_deletes.store(0);
  for (std::size_t i = 0; i < std::size(watched_blocks); ++i)
    watched_blocks[i].store(i < count ? blocks[i] : nullptr);
}
std::size_t watched_blocks_deleted() noexcept { return watched_deletes.load(); }
// Each watched block counts once, at its first delete (its address may be reused).
void count_if_watched(void* p) noexcept {
  if (p == nullptr || !watching.load(std::memory_order_relaxed)) return;
  for (auto& watched : watched_blocks) {
    void* expected = p;
    if (watched.load(std::memory_order_relaxed) == p &&
        watched.compare_exchange_strong(expected, nullptr))
      watched_deletes.fetch_add(1);
  }
}
}  // namespace berth::test

// Every unaligned form is replaced, so that each pair agrees on malloc/free even under
// AddressSanitizer, which otherwise supplies the forms left out; the aligned forms are
// left to the runtime as a set.
namespace {
void* counted_malloc(std::size_t size) noexcept {
  berth::test::allocation_counter.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* counted_new(std::size_t size) {
  if (void* p = counted_malloc(size)) return p;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t size) { return counted_new(size); }
void* operator new[](std::size_t size) { return counted_new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return counted_malloc(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return counted_malloc(size); }
void operator delete(void* p) noexcept {
  berth::test::count_if_watched(p);
  std::free(p);
}
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept {
  berth::test::count_if_watched(p);
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

using berth::Event;
using berth::EventEmitter;
using berth::ListenerId;

namespace {

// Test events, declared the way berth's emitters declare theirs.
namespace test_events {
inline constexpr Event<void()> tick{"tick"};
inline constexpr Event<void(int)> number{"number"};
inline constexpr Event<void(int, const std::string&)> pair{"pair"};
inline constexpr Event<void(int&)> counter{"counter"};
inline constexpr Event<void(berth::BufferView)> data{"data"};
inline constexpr Event<void(bool)> close{"close"};
using berth::events::error;
}  // namespace test_events

namespace ev = test_events;

// Whether on() takes F for an event of Signature. A listener that does not fit stops the
// build at one static_assert in on() (berth's message, not a page of template errors),
// so the check is made, as on() makes it, with berth::ListenerFor.
template <class F, class Signature>
concept Listens = berth::ListenerFor<F, Signature> && requires(EventEmitter& emitter, const Event<Signature>& event, F f) {
  emitter.on(event, std::move(f));
};

}  // namespace

// Node verification for the ordering cases below: see the behaviour each name states,
// checked with node v20's events module.

TEST_CASE("listeners are called in registration order with the event's arguments",
          "[event_emitter]") {
  EventEmitter emitter;
  std::vector<std::string> log;
  emitter.on(ev::pair, [&](int n, const std::string& s) { log.push_back("a" + std::to_string(n) + s); });
  emitter.addListener(ev::pair, [&](int n, const std::string& s) { log.push_back("b" + std::to_string(n) + s); });
  emitter.on(ev::pair, [&](int n, const std::string& s) { log.push_back("c" + std::to_string(n) + s); });
  emitter.emit(ev::pair, 1, "x");
  CHECK(log == std::vector<std::string>{"a1x", "b1x", "c1x"});
}

TEST_CASE("emit returns whether the event had listeners", "[event_emitter]") {
  EventEmitter emitter;
  CHECK_FALSE(emitter.emit(ev::tick));
  const ListenerId id = emitter.on(ev::tick, [] {});
  CHECK(emitter.emit(ev::tick));
  emitter.off(ev::tick, id);
  CHECK_FALSE(emitter.emit(ev::tick));
}

TEST_CASE("off removes exactly the registration whose id it is given", "[event_emitter]") {
  EventEmitter emitter;
  std::string log;
  const auto same = [&] { log += "x"; };
  const ListenerId first = emitter.on(ev::tick, same);
  const ListenerId second = emitter.on(ev::tick, same);
  CHECK(first != second);
  CHECK(emitter.off(ev::tick, first));
  emitter.emit(ev::tick);
  CHECK(log == "x");
  CHECK(emitter.removeListener(ev::tick, second));
  emitter.emit(ev::tick);
  CHECK(log == "x");
}

TEST_CASE("off returns false for an id that is not a current registration of the event",
          "[event_emitter]") {
  EventEmitter emitter;
  const ListenerId id = emitter.on(ev::tick, [] {});
  CHECK_FALSE(emitter.off(ev::number, id));
  CHECK_FALSE(emitter.off(ev::tick, ListenerId::none));
  CHECK(emitter.off(ev::tick, id));
  CHECK_FALSE(emitter.off(ev::tick, id));
}

TEST_CASE("a once listener is called once and removed before it is called",
          "[event_emitter]") {
  EventEmitter emitter;
  int calls = 0;
  std::size_t count_inside = 99;
  emitter.once(ev::number, [&](int n) {
    calls += n;
    count_inside = emitter.listenerCount(ev::number);
  });
  CHECK(emitter.listenerCount(ev::number) == 1);
  CHECK(emitter.emit(ev::number, 5));
  CHECK_FALSE(emitter.emit(ev::number, 5));
  CHECK(calls == 5);
  CHECK(count_inside == 0);
}

TEST_CASE("a once listener can be removed by its id before it fires", "[event_emitter]") {
  EventEmitter emitter;
  int calls = 0;
  const ListenerId id = emitter.once(ev::tick, [&] { ++calls; });
  CHECK(emitter.off(ev::tick, id));
  CHECK_FALSE(emitter.emit(ev::tick));
  CHECK(calls == 0);
}

TEST_CASE("prependListener and prependOnceListener put the listener first",
          "[event_emitter]") {
  // node: on(1); prependOnceListener(0); prependListener(-1); emit; emit -> -1 0 1 -1 1
  EventEmitter emitter;
  std::vector<int> log;
  emitter.on(ev::tick, [&] { log.push_back(1); });
  emitter.prependOnceListener(ev::tick, [&] { log.push_back(0); });
  emitter.prependListener(ev::tick, [&] { log.push_back(-1); });
  emitter.emit(ev::tick);
  emitter.emit(ev::tick);
  CHECK(log == std::vector<int>{-1, 0, 1, -1, 1});
}

TEST_CASE("a listener added during an emit is not called by that emit but by the next",
          "[event_emitter]") {
  EventEmitter emitter;
  std::string log;
  emitter.on(ev::tick, [&] {
    log += "a";
    emitter.on(ev::tick, [&] { log += "n"; });
    emitter.prependListener(ev::tick, [&] { log += "p"; });
  });
  emitter.emit(ev::tick);
  CHECK(log == "a");
  log.clear();
  emitter.emit(ev::tick);
  CHECK(log == "pan");
}

TEST_CASE("a listener removed during an emit is still called by that emit, not the next",
          "[event_emitter]") {
  // node: a removes b and adds 'new'; emit; emit -> "a b | a new"
  EventEmitter emitter;
  std::vector<std::string> log;
  ListenerId b{};
  emitter.on(ev::tick, [&] {
    log.push_back("a");
    emitter.off(ev::tick, b);
    emitter.on(ev::tick, [&] { log.push_back("new"); });
  });
  b = emitter.on(ev::tick, [&] { log.push_back("b"); });
  emitter.emit(ev::tick);
  log.push_back("|");
  emitter.emit(ev::tick);
  CHECK(log == std::vector<std::string>{"a", "b", "|", "a", "new"});
}

TEST_CASE("a once listener removed during an emit before its turn is still called by it",
          "[event_emitter]") {
  // node: a removes once-listener c; emit; emit -> "a c a"
  EventEmitter emitter;
  std::string log;
  ListenerId c{};
  emitter.on(ev::tick, [&] {
    log += "a";
    emitter.off(ev::tick, c);
  });
  c = emitter.once(ev::tick, [&] { log += "c"; });
  emitter.emit(ev::tick);
  emitter.emit(ev::tick);
  CHECK(log == "aca");
}

TEST_CASE("a once listener fired by a nested emit is not called again by the outer one",
          "[event_emitter]") {
  // node: a emits again at depth 0; once-listener o -> "a0 a1 o"
  EventEmitter emitter;
  std::vector<std::string> log;
  int depth = 0;
  emitter.on(ev::tick, [&] {
    log.push_back("a" + std::to_string(depth));
    if (depth++ == 0) emitter.emit(ev::tick);
  });
  emitter.once(ev::tick, [&] { log.push_back("o"); });
  emitter.emit(ev::tick);
  CHECK(log == std::vector<std::string>{"a0", "a1", "o"});
}

TEST_CASE("removeAllListeners during an emit is safe and the emit still calls its snapshot",
          "[event_emitter]") {
  // node: a calls removeAllListeners(); b; once c -> emit true "a b c", then false, 0
  EventEmitter emitter;
  std::string log;
  emitter.on(ev::tick, [&] {
    log += "a";
    emitter.removeAllListeners();
  });
  emitter.on(ev::tick, [&] { log += "b"; });
  emitter.once(ev::tick, [&] { log += "c"; });
  CHECK(emitter.emit(ev::tick));
  CHECK(log == "abc");
  CHECK_FALSE(emitter.emit(ev::tick));
  CHECK(emitter.listenerCount(ev::tick) == 0);
}

TEST_CASE("nested emits of the same event each call every listener", "[event_emitter]") {
  EventEmitter emitter;
  std::vector<int> log;
  emitter.on(ev::number, [&](int n) {
    log.push_back(n);
    if (n > 0) emitter.emit(ev::number, n - 1);
  });
  emitter.on(ev::number, [&](int n) { log.push_back(100 + n); });
  emitter.emit(ev::number, 2);
  CHECK(log == std::vector<int>{2, 1, 0, 100, 101, 102});
}

TEST_CASE("removeAllListeners(event) removes that event's listeners only", "[event_emitter]") {
  EventEmitter emitter;
  emitter.on(ev::tick, [] {});
  emitter.once(ev::tick, [] {});
  emitter.on(ev::number, [](int) {});
  emitter.removeAllListeners(ev::tick);
  CHECK(emitter.listenerCount(ev::tick) == 0);
  CHECK(emitter.listenerCount(ev::number) == 1);
  emitter.removeAllListeners();
  CHECK(emitter.listenerCount(ev::number) == 0);
  CHECK(emitter.eventNames().empty());
}

TEST_CASE("eventNames lists the events with listeners in the order each got its first",
          "[event_emitter]") {
  // node: on a, on b, on c, off b, on b -> [ 'a', 'c', 'b' ]
  EventEmitter emitter;
  const Event<void()> a{"a"}, b{"b"}, c{"c"};
  emitter.on(a, [] {});
  const ListenerId id = emitter.on(b, [] {});
  emitter.on(c, [] {});
  emitter.off(b, id);
  emitter.on(b, [] {});
  CHECK(emitter.eventNames() == std::vector<std::string>{"a", "c", "b"});
}

TEST_CASE("'error' with no listener throws the error out of emit", "[event_emitter]") {
  EventEmitter emitter;
  const berth::Error boom("ECONNRESET", "read ECONNRESET");
  try {
    emitter.emit(ev::error, boom);
    FAIL("no exception");
  } catch (const berth::Error& e) {
    CHECK(e.code == "ECONNRESET");
    CHECK(std::string(e.what()) == "read ECONNRESET");
  }
}

TEST_CASE("'error' with a listener is delivered to it and not thrown", "[event_emitter]") {
  EventEmitter emitter;
  std::string seen;
  emitter.on(ev::error, [&](const berth::Error& e) { seen = e.code; });
  CHECK(emitter.emit(ev::error, berth::Error("EPIPE", "write EPIPE")));
  CHECK(seen == "EPIPE");
}

TEST_CASE("an unheard 'error' that carries no Error throws ERR_UNHANDLED_ERROR",
          "[event_emitter]") {
  EventEmitter emitter;
  const Event<void(int)> numeric_error{"error"};
  const Event<void()> bare_error{"error"};
  try {
    emitter.emit(numeric_error, 42);
    FAIL("no exception");
  } catch (const berth::Error& e) {
    CHECK(e.code == "ERR_UNHANDLED_ERROR");
    CHECK(std::string(e.what()) == "Unhandled error.");
  }
  EventEmitter other;
  try {
    other.emit(bare_error);
    FAIL("no exception");
  } catch (const berth::Error& e) {
    CHECK(e.code == "ERR_UNHANDLED_ERROR");
    CHECK(std::string(e.what()) == "Unhandled error. (undefined)");
  }
}

TEST_CASE("a listener's exception propagates out of emit and skips the later listeners",
          "[event_emitter]") {
  EventEmitter emitter;
  std::string log;
  ListenerId doomed{};
  emitter.on(ev::tick, [&] {
    log += "a";
    emitter.off(ev::tick, doomed);
    throw std::runtime_error("listener failed");
  });
  doomed = emitter.on(ev::tick, [&] { log += "b"; });
  CHECK_THROWS_AS(emitter.emit(ev::tick), std::runtime_error);
  CHECK(log == "a");
  // The emitter is left consistent: the removal made during the failed emit holds.
  CHECK(emitter.listenerCount(ev::tick) == 1);
  emitter.removeAllListeners();
  emitter.on(ev::tick, [&] { log += "c"; });
  emitter.emit(ev::tick);
  CHECK(log == "ac");
}

TEST_CASE("a listener whose parameters do not fit the event does not compile",
          "[event_emitter]") {
  static_assert(!Listens<decltype([](int) {}), void(const berth::Error&)>);
  static_assert(!Listens<decltype([](const std::string&) {}), void(int)>);
  static_assert(!Listens<decltype([](int, int, int) {}), void(int, int)>);
  static_assert(!Listens<decltype([](int&) {}), void(const berth::Error&)>);
  static_assert(!Listens<int, void()>);
  static_assert(Listens<decltype([](const berth::Error&) {}), void(const berth::Error&)>);
  static_assert(Listens<decltype([](berth::Error) {}), void(const berth::Error&)>);
  static_assert(Listens<decltype([](long) {}), void(int)>);
  static_assert(Listens<decltype([](auto&&...) {}), void(int, bool)>);
  static_assert(berth::ListenerFor<void (*)(bool), void(bool)>);
  SUCCEED();
}

TEST_CASE("a listener may take fewer arguments than the event provides", "[event_emitter]") {
  EventEmitter emitter;
  std::string log;
  emitter.on(ev::close, [&] { log += "closed;"; });
  emitter.on(ev::close, [&](bool had_error) { log += had_error ? "error;" : "clean;"; });
  emitter.on(ev::pair, [&](int n) { log += std::to_string(n) + ";"; });
  emitter.on(ev::pair, [&](auto n, auto&&... rest) {
    log += std::to_string(n + 1) + ":" + std::to_string(sizeof...(rest)) + ";";
  });
  emitter.emit(ev::close, true);
  emitter.emit(ev::pair, 7, "seven");
  CHECK(log == "closed;error;7;8:1;");
}

TEST_CASE("reference arguments reach listeners by reference", "[event_emitter]") {
  EventEmitter emitter;
  emitter.on(ev::counter, [](int& n) { n += 1; });
  emitter.on(ev::counter, [](int& n) { n *= 10; });
  int value = 1;
  emitter.emit(ev::counter, value);
  CHECK(value == 20);
}

TEST_CASE("listeners may be mutable, move-only, function pointers or std::function",
          "[event_emitter]") {
  EventEmitter emitter;
  static int pointer_calls = 0;
  pointer_calls = 0;
  std::vector<int> seen;
  auto owned = std::make_unique<int>(40);
  emitter.on(ev::number, [owned = std::move(owned), &seen](int n) { seen.push_back(*owned + n); });
  emitter.on(ev::number, [count = 0, &seen](int) mutable { seen.push_back(++count); });
  emitter.on(ev::number, +[](int) { ++pointer_calls; });
  emitter.on(ev::number, std::function<void(int)>([&](int n) { seen.push_back(-n); }));
  emitter.emit(ev::number, 2);
  emitter.emit(ev::number, 3);
  CHECK(seen == std::vector<int>{42, 1, -2, 43, 2, -3});
  CHECK(pointer_calls == 2);
}

TEST_CASE("one event name used with two signatures on one emitter throws std::logic_error",
          "[event_emitter]") {
  EventEmitter emitter;
  const Event<void(int)> close_with_int{"close"};
  emitter.on(ev::close, [](bool) {});
  CHECK_THROWS_AS(emitter.on(close_with_int, [](int) {}), std::logic_error);
  CHECK_THROWS_AS(emitter.emit(close_with_int, 1), std::logic_error);
  EventEmitter other;  // another emitter may use the other signature
  CHECK_NOTHROW(other.on(close_with_int, [](int) {}));
}

TEST_CASE("emit allocates nothing once listeners are registered", "[event_emitter]") {
  EventEmitter emitter;
  std::size_t bytes = 0;
  int closes = 0;
  emitter.on(ev::data, [&](berth::BufferView chunk) { bytes += chunk.size(); });
  emitter.on(ev::data, [&](berth::BufferView) {});
  emitter.on(ev::close, [&] { ++closes; });
  emitter.on(ev::number, [&](int n) {
    if (n > 0) emitter.emit(ev::number, n - 1);  // nested emits
  });
  emitter.on(ev::error, [](const berth::Error&) {});
  const berth::Error error("ECONNRESET", "read ECONNRESET");
  const std::string payload(1000, 'x');

  const std::size_t before = berth::test::allocations();
  for (int i = 0; i < 1000; ++i) {
    emitter.emit(ev::data, payload);
    emitter.emit(ev::close, false);
    emitter.emit(ev::number, 3);
    emitter.emit(ev::error, error);
    emitter.emit(ev::tick);  // an event without listeners
  }
  CHECK(berth::test::allocations() == before);
  CHECK(bytes == 1000u * 1000u);
  CHECK(closes == 1000);
}

TEST_CASE("a listener may destroy its emitter, the emit stops after that listener",
          "[event_emitter]") {
  auto* emitter = new EventEmitter;
  auto state = std::make_shared<std::string>();
  emitter->on(ev::close, [&emitter, state](bool) {
    *state += "a";
    delete emitter;
    emitter = nullptr;
    *state += "+";  // the running listener's captures are still alive
  });
  emitter->on(ev::close, [state](bool) { *state += "b"; });
  emitter->emit(ev::close, false);
  CHECK(emitter == nullptr);
  CHECK(*state == "a+");
  CHECK(state.use_count() == 1);  // both listeners were freed
}

TEST_CASE("a listener may destroy its emitter from within a nested emit", "[event_emitter]") {
  auto* emitter = new EventEmitter;
  auto state = std::make_shared<int>(0);
  emitter->on(ev::number, [&emitter, state](int n) {
    ++*state;
    if (n > 0) emitter->emit(ev::number, n - 1);
    else delete emitter;
  });
  emitter->emit(ev::number, 2);
  CHECK(*state == 3);
  CHECK(state.use_count() == 1);
}

TEST_CASE("removing a listener frees it: at once, or after the emit it was removed in",
          "[event_emitter]") {
  EventEmitter emitter;
  auto state = std::make_shared<int>(0);
  const ListenerId id = emitter.on(ev::tick, [state] {});
  CHECK(state.use_count() == 2);
  emitter.off(ev::tick, id);
  CHECK(state.use_count() == 1);

  ListenerId self{};
  long inside = 0;
  self = emitter.on(ev::tick, [&, state] {
    emitter.off(ev::tick, self);
    inside = state.use_count();
  });
  emitter.emit(ev::tick);
  CHECK(inside == 2);  // kept alive while it runs
  CHECK(state.use_count() == 1);

  emitter.once(ev::tick, [state] {});
  emitter.emit(ev::tick);
  CHECK(state.use_count() == 1);
}

TEST_CASE("destroying an emitter frees its listeners", "[event_emitter]") {
  auto state = std::make_shared<int>(0);
  {
    EventEmitter emitter;
    emitter.on(ev::tick, [state] {});
    emitter.once(ev::number, [state](int) {});
    CHECK(state.use_count() == 3);
  }
  CHECK(state.use_count() == 1);
}
