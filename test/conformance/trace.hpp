#pragma once
// Trace helpers for the C++ side of a conformance scenario. trace.js is the Node
// twin: each helper here has one there with the same name and output.
//
// A scenario defines `void scenario()`; main.cpp runs it, then berth::run(), then
// prints `exit code=N` as Node's process.on('exit') does.

#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "berth/net.hpp"

namespace conf {

namespace net = berth::net;
using berth::Buffer;
using berth::BufferView;
using berth::Error;
using std::chrono::milliseconds;
using namespace std::chrono_literals;

/// Writes one trace line to stdout at once (no buffering: a crash loses nothing).
void write_line(std::string_view text);

/// JSON.stringify of a string.
std::string q(std::string_view s);

// How a value prints, as JavaScript's String(x) would print the Node counterpart.
inline std::string str(std::string_view s) { return std::string(s); }
inline std::string str(const char* s) { return s; }
inline std::string str(const std::string& s) { return s; }
inline std::string str(bool b) { return b ? "true" : "false"; }
inline std::string str(double d) { return berth::js_number_to_string(d); }
template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, char>)
std::string str(T v) {
  return std::to_string(v);
}
inline std::string str(milliseconds ms) { return std::to_string(ms.count()); }
/// An absent value prints as `undefined`.
template <class T>
std::string str(const std::optional<T>& v) {
  return v ? str(*v) : std::string("undefined");
}
/// For the few properties Node reports as null when unset (readableFlowing).
template <class T>
std::string nul(const std::optional<T>& v) {
  return v ? str(*v) : std::string("null");
}

/// `parts` joined with spaces, as console.log prints them. C++ evaluates arguments in no
/// set order: compute values with side effects (write(), ref()) before the call.
template <class... A>
void line(const A&... parts) {
  std::string text;
  ((text += str(parts), text += ' '), ...);
  if (!text.empty()) text.pop_back();
  write_line(text);
}

/// An error's Node fields, present ones only, always in one order.
std::string err(const Error& e);
/// An error handed to a callback: `null` when there is none.
std::string cbErr(const Error& e);
/// The state properties of a socket.
std::string state(const net::Socket& s);
/// server.address(): null, a path string, or {"address":..,"family":..,"port":..}.
std::string serverAddress(const std::optional<berth::AddressInfo>& a);
/// socket.address(): {} when there is nothing to report.
std::string socketAddress(const std::optional<berth::AddressInfo>& a);
/// A 'data' chunk as a JSON string of its UTF-8 text.
std::string chunk(BufferView d);

/// Logs every event of a socket as `<tag> <event> ...`; `skip` names events to leave out.
void traceSocket(const net::SocketPtr& s, std::string tag, std::vector<std::string> skip = {});
/// The keys a 'drop' event's object carries (those with a value), in Node's order.
std::string dropKeys(const net::DropInfo& d);
/// Logs a server's events as `<tag> <event>`.
void traceServer(const net::ServerPtr& s, std::string tag);

/// Runs f and prints `<label> ok` or `<label> throws <error>`.
template <class F>
void attempt(std::string_view label, F&& f) {
  try {
    std::forward<F>(f)();
    line(label, "ok");
  } catch (const Error& e) {
    line(label, "throws", err(e));
  } catch (const std::exception& e) {
    line(label, "throws std::exception", q(e.what()));
  }
}

/// A wrong-typed argument Node rejects at run time (with `code`) and C++ at compile
/// time: `compiles` comes from a requires-expression. Prints `<label> rejected <code>`
/// when it does not compile, `<label> accepted` when it does.
inline void rejects(std::string_view label, std::string_view code, bool compiles) {
  if (compiles)
    line(label, "accepted");
  else
    line(label, "rejected", code);
}

/// Whether an API member exists (from a requires-expression).
inline void has(std::string_view label, bool present) { line(label, present ? "present" : "absent"); }

/// The scenario's private temporary directory ($CONF_TMP).
std::string tmp();

/// Node's setTimeout: a timer that keeps the loop alive while pending, unless unref'd.
class Timer : public std::enable_shared_from_this<Timer> {
 public:
  Timer(std::function<void()> fn, milliseconds ms);
  /// clearTimeout().
  void clear();
  /// timeout.unref() / ref().
  Timer& unref();
  Timer& ref();
  void start();

 private:
  asio::steady_timer timer_;
  berth::HandleRef handle_;
  std::function<void()> fn_;
};
using TimerPtr = std::shared_ptr<Timer>;

/// setTimeout(fn, ms).
TimerPtr setTimeout(std::function<void()> fn, long ms);
/// setImmediate(fn): after what is ready now.
void setImmediate(std::function<void()> fn);

}  // namespace conf

/// The scenario: set things up; main.cpp then runs the loop until it ends.
void scenario();
