#include "trace.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <exception>

namespace conf {

void write_line(std::string_view text) {
  std::string out(text);
  out += '\n';
  const char* p = out.data();
  std::size_t left = out.size();
  while (left > 0) {
    ssize_t n = ::write(1, p, left);
    if (n <= 0) return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

std::string q(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

static const char* kind_name(berth::ErrorKind k) {
  switch (k) {
    case berth::ErrorKind::TypeError: return "TypeError";
    case berth::ErrorKind::RangeError: return "RangeError";
    case berth::ErrorKind::AbortError: return "AbortError";
    case berth::ErrorKind::AggregateError: return "AggregateError";
    default: return "Error";
  }
}

std::string err(const Error& e) {
  std::string out = std::string(kind_name(e.kind)) + " code=" + e.code;
  if (e.errnum != 0) out += " errno=" + std::to_string(e.errnum);
  if (!e.syscall.empty()) out += " syscall=" + e.syscall;
  if (e.address) out += " address=" + q(*e.address);
  if (e.port) out += " port=" + std::to_string(*e.port);
  if (e.hostname) out += " hostname=" + *e.hostname;
  if (e.host) out += " host=" + *e.host;
  if (e.localAddress) out += " localAddress=" + *e.localAddress;
  if (e.localPort) out += " localPort=" + std::to_string(*e.localPort);
  out += " message=" + q(e.message);
  return out;
}

std::string cbErr(const Error& e) { return e ? err(e) : std::string("null"); }

std::string state(const net::Socket& s) {
  return "connecting=" + str(s.connecting()) + " pending=" + str(s.pending()) + " readyState=" + s.readyState() +
         " destroyed=" + str(s.destroyed()) + " readable=" + str(s.readable()) + " writable=" + str(s.writable());
}

static std::string json_address(const berth::AddressInfo& a) {
  if (a.is_unix()) return q(a.address);
  return "{\"address\":" + q(a.address) + ",\"family\":" + q(a.family) + ",\"port\":" + std::to_string(a.port) + "}";
}

std::string serverAddress(const std::optional<berth::AddressInfo>& a) { return a ? json_address(*a) : "null"; }

std::string socketAddress(const std::optional<berth::AddressInfo>& a) { return a ? json_address(*a) : "{}"; }

std::string chunk(BufferView d) { return q(d.toString()); }

void traceSocket(const net::SocketPtr& s, std::string tag, std::vector<std::string> skip) {
  auto want = [&](std::string_view name) { return std::find(skip.begin(), skip.end(), name) == skip.end(); };
  namespace ev = net::events;
  if (want("lookup"))
    s->on(ev::lookup, [tag](const Error& e, const std::string& address, int family, const std::string& host) {
      // C++ has no undefined: a failed lookup's address and family print as Node's.
      if (e)
        line(tag, "lookup", "err=" + err(e), "address=undefined", "family=undefined", "host=" + host);
      else
        line(tag, "lookup", "err=null", "address=" + address, "family=" + str(family), "host=" + host);
    });
  if (want("connectionAttempt"))
    s->on(ev::connectionAttempt, [tag](const std::string& ip, int port, int family) {
      line(tag, "connectionAttempt", "ip=" + ip, "port=" + str(port), "family=" + str(family));
    });
  if (want("connectionAttemptFailed"))
    s->on(ev::connectionAttemptFailed, [tag](const std::string& ip, int port, int family, const Error& e) {
      line(tag, "connectionAttemptFailed", "ip=" + ip, "port=" + str(port), "family=" + str(family), "error=" + e.code);
    });
  if (want("connectionAttemptTimeout"))
    s->on(ev::connectionAttemptTimeout, [tag](const std::string& ip, int port, int family) {
      line(tag, "connectionAttemptTimeout", "ip=" + ip, "port=" + str(port), "family=" + str(family));
    });
  if (want("connect")) s->on(ev::connect, [tag] { line(tag, "connect"); });
  if (want("ready")) s->on(ev::ready, [tag] { line(tag, "ready"); });
  if (want("data")) s->on(ev::data, [tag](BufferView d) { line(tag, "data", chunk(d)); });
  if (want("end")) s->on(ev::end, [tag] { line(tag, "end"); });
  if (want("finish")) s->on(ev::finish, [tag] { line(tag, "finish"); });
  if (want("drain")) s->on(ev::drain, [tag] { line(tag, "drain"); });
  if (want("timeout")) s->on(ev::timeout, [tag] { line(tag, "timeout"); });
  if (want("error")) s->on(ev::error, [tag](const Error& e) { line(tag, "error", err(e)); });
  if (want("close")) s->on(ev::close, [tag](bool hadError) { line(tag, "close", "hadError=" + str(hadError)); });
}

void traceServer(const net::ServerPtr& s, std::string tag) {
  namespace ev = net::events;
  s->on(ev::listening, [tag] { line(tag, "listening"); });
  s->on(ev::connection, [tag](const net::SocketPtr&) { line(tag, "connection"); });
  s->on(ev::error, [tag](const Error& e) { line(tag, "error", err(e)); });
  s->on(ev::close, [tag] { line(tag, "close"); });
  s->on(ev::drop, [tag](const net::DropInfo& d) { line(tag, "drop", "keys=" + dropKeys(d)); });
}

std::string dropKeys(const net::DropInfo& d) {
  std::string keys;
  auto key = [&](const char* name, bool present) {
    if (!present) return;
    if (!keys.empty()) keys += ',';
    keys += name;
  };
  key("localAddress", d.localAddress.has_value());
  key("localPort", d.localPort.has_value());
  key("localFamily", d.localFamily.has_value());
  key("remoteAddress", d.remoteAddress.has_value());
  key("remotePort", d.remotePort.has_value());
  key("remoteFamily", d.remoteFamily.has_value());
  return keys;
}

std::string tmp() {
  const char* t = std::getenv("CONF_TMP");
  return t ? t : "/tmp";
}

Timer::Timer(std::function<void()> fn, milliseconds ms)
    : timer_(berth::Loop::current().context(), ms),
      handle_(berth::Loop::current().get_executor()),
      fn_(std::move(fn)) {}

void Timer::start() {
  handle_.activate();
  timer_.async_wait([self = shared_from_this()](std::error_code ec) {
    if (ec || !self->handle_.active()) return;
    self->handle_.deactivate();
    auto fn = std::move(self->fn_);
    if (fn) fn();
  });
}

void Timer::clear() {
  handle_.deactivate();
  timer_.cancel();
}

Timer& Timer::unref() {
  handle_.unref();
  return *this;
}

Timer& Timer::ref() {
  handle_.ref();
  return *this;
}

TimerPtr setTimeout(std::function<void()> fn, long ms) {
  auto t = std::make_shared<Timer>(std::move(fn), milliseconds(ms));
  t->start();
  return t;
}

// Through the loop's executor, so that the ticks the function queues drain right after it, as
// after every Node callback.
void setImmediate(std::function<void()> fn) { asio::post(berth::Loop::current().get_executor(), std::move(fn)); }

}  // namespace conf

int main() {
  try {
    scenario();
    berth::run();
  } catch (const berth::Error& e) {
    conf::line("uncaught", conf::err(e));
    conf::line("exit code=1");
    return 1;
  } catch (const std::exception& e) {
    conf::line("uncaught std::exception", conf::q(e.what()));
    conf::line("exit code=1");
    return 1;
  }
  conf::line("exit code=0");
  return 0;
}
