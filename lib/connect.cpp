#include "berth/connect.hpp"
#include "connect_lookup.hpp"

#include <cerrno>
#include <cmath>
#include <netdb.h>
#include <sys/socket.h>

#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <atomic>
#include <memory>

#include "log.hpp"

namespace berth {
namespace {

std::atomic<bool> default_auto_select_family{true};
std::atomic<int> default_attempt_timeout_ms{250};

int ip_family(const std::string& text) {
  std::error_code ec;
  auto address = asio::ip::make_address(text, ec);
  if (ec) return 0;
  return address.is_v4() ? 4 : 6;
}

Error invalid_arg_type(const std::string& property, const std::string& expected, const PortValue& v) {
  std::string received = v.is_null() ? "null" : v.describe();
  return Error("ERR_INVALID_ARG_TYPE",
               "The \"" + property + "\" property must be " + expected + ". Received " + received,
               ErrorKind::TypeError);
}

// Node puts the first family it saw first, then alternates families; it tries each
// IP once (a lookup answering the same address twice makes a single attempt).
std::vector<LookupAddress> interleave(const std::vector<LookupAddress>& addresses) {
  if (addresses.empty()) return {};
  std::vector<LookupAddress> first, second, out;
  int first_family = addresses.front().family;
  for (const auto& a : addresses) {
    auto& group = a.family == first_family ? first : second;
    bool seen = false;
    for (const auto& b : group) seen = seen || b.address == a.address;
    if (!seen) group.push_back(a);
  }
  for (std::size_t i = 0; i < std::max(first.size(), second.size()); ++i) {
    if (i < first.size()) out.push_back(first[i]);
    if (i < second.size()) out.push_back(second[i]);
  }
  return out;
}

// Turns a callback-style lookup into an awaitable: the callback may run inline
// (a custom lookup) or later from the resolver.
asio::awaitable<std::pair<Error, std::vector<LookupAddress>>> await_lookup(
    const LookupFunction& lookup, const std::string& host, const LookupOptions& options) {
  auto executor = co_await asio::this_coro::executor;
  struct State {
    bool done = false;
    Error error;
    std::vector<LookupAddress> addresses;
    asio::steady_timer wake;
    explicit State(const asio::any_io_executor& ex) : wake(ex, asio::steady_timer::time_point::max()) {}
  };
  auto state = std::make_shared<State>(executor);
  lookup(host, options, [state](const Error& error, std::vector<LookupAddress> addresses) {
    if (state->done) return;
    state->done = true;
    state->error = error;
    state->addresses = std::move(addresses);
    state->wake.cancel();
  });
  if (!state->done) {
    std::error_code ec;
    co_await state->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return std::make_pair(state->error, std::move(state->addresses));
}

struct Attempt {
  LookupAddress target;
  std::uint16_t port;
};

asio::awaitable<void> connect_once(Stream::socket_type& socket, const Attempt& attempt,
                                   const ConnectOptions& options, Error& error) {
  Endpoint endpoint = make_ip_endpoint(attempt.target.address, attempt.port);
  std::error_code ec;
  socket.open(protocol_of(endpoint), ec);
  if (!ec) set_close_on_exec(socket.native_handle());
  if (!ec && (options.localAddress || options.localPort)) {
    std::string local = options.localAddress.value_or(attempt.target.family == 6 ? "::" : "0.0.0.0");
    auto local_port = options.localPort ? static_cast<std::uint16_t>(options.localPort->to_number()) : 0;
    socket.set_option(asio::socket_base::reuse_address(true), ec);
    socket.bind(make_ip_endpoint(local, local_port), ec);
    if (ec) {
      error = Error::from_system(ec, "bind", local, local_port);
      co_return;
    }
  }
  if (!ec) co_await socket.async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) {
    error = {};
    co_return;
  }
  // Node sets err.port only for a port above 0, and names the local end when a
  // local port was asked for: "connect ECONNREFUSED 127.0.0.1:P - Local (127.0.0.1:LP)".
  error = Error::from_system(ec, "connect", attempt.target.address,
                             attempt.port > 0 ? std::optional<int>(attempt.port) : std::nullopt);
  if (options.localPort && options.localPort->to_number() > 0) {
    std::string local = options.localAddress.value_or(attempt.target.family == 6 ? "::" : "0.0.0.0");
    int local_port = static_cast<int>(options.localPort->to_number());
    error.message += " - Local (" + local + ":" + std::to_string(local_port) + ")";
    // Node sets the fields only on an asynchronous failure; EADDRNOTAVAIL comes from
    // connect(2) itself.
    if (ec.value() != EADDRNOTAVAIL) {
      error.localAddress = local;
      error.localPort = local_port;
    }
  }
}

// JavaScript truthiness of a port-like value (Node checks `if (localPort)`).
bool truthy(const PortValue& v) {
  if (v.is_number()) {
    double n = v.to_number();
    return n != 0 && !std::isnan(n);
  }
  if (v.is_string()) return !std::get<std::string>(v.value()).empty();
  if (v.is_bool()) return std::get<bool>(v.value());
  return false;
}

}  // namespace

bool getDefaultAutoSelectFamily() noexcept { return default_auto_select_family; }
void setDefaultAutoSelectFamily(bool value) noexcept { default_auto_select_family = value; }
int getDefaultAutoSelectFamilyAttemptTimeout() noexcept { return default_attempt_timeout_ms; }
void setDefaultAutoSelectFamilyAttemptTimeout(int ms) {
  if (ms < 1)
    throw Error("ERR_OUT_OF_RANGE",
                "The value of \"value\" is out of range. It must be >= 1 && <= 2147483647. Received " +
                    std::to_string(ms),
                ErrorKind::RangeError);
  default_attempt_timeout_ms = ms < 10 ? 10 : ms;
}


std::uint16_t validate_connect_options(const ConnectOptions& options) {
  // Node's order: Socket.prototype.connect, then lookupAndConnect, then dns.lookup.
  const PortValue& port = options.port;
  if (port.is_undefined() && !options.path)
    throw Error("ERR_MISSING_ARGS", "The \"options\" or \"port\" or \"path\" argument must be specified",
                ErrorKind::TypeError);
  if (options.path && !options.path->empty()) return 0;  // a pipe: nothing else is looked at
  if (options.localAddress && !options.localAddress->empty() && ip_family(*options.localAddress) == 0)
    throw Error("ERR_INVALID_IP_ADDRESS", "Invalid IP address: " + *options.localAddress,
                ErrorKind::TypeError);
  if (options.localPort && truthy(*options.localPort) && !options.localPort->is_number())
    throw invalid_arg_type("options.localPort", "of type number", *options.localPort);
  std::uint16_t valid_port = 0;
  if (!port.is_undefined()) {  // an empty path with no port connects to port 0
    if (!port.is_number() && !port.is_string())
      throw invalid_arg_type("options.port", "one of type number or string", port);
    valid_port = validate_port(port);
  }
  if (options.autoSelectFamilyAttemptTimeout) {
    auto ms = options.autoSelectFamilyAttemptTimeout->count();
    if (ms < 1 || ms > 2147483647)
      throw Error("ERR_OUT_OF_RANGE",
                  "The value of \"options.autoSelectFamilyAttemptTimeout\" is out of range. It must be >= 1 && "
                  "<= 2147483647. Received " + std::to_string(ms),
                  ErrorKind::RangeError);
  }
  // dns.lookup validates family and hints: only for a host name, and only when it is
  // the lookup used (a custom lookup gets them as they are).
  const std::string& host = options.host.empty() ? std::string("localhost") : options.host;
  if (ip_family(host) != 0 || options.lookup) return valid_port;
  if (options.family != 0 && options.family != 4 && options.family != 6)
    throw Error("ERR_INVALID_ARG_VALUE",
                "The property 'options.family' must be one of: 0, 4, 6. Received " +
                    std::to_string(options.family),
                ErrorKind::TypeError);
  if (options.hints != 0 && (options.hints & ~(AI_ADDRCONFIG | AI_V4MAPPED | AI_ALL)))
    throw Error("ERR_INVALID_ARG_VALUE",
                "The argument 'hints' is invalid. Received " +
                    std::to_string(static_cast<std::uint32_t>(options.hints)),
                ErrorKind::TypeError);
  return valid_port;
}

void default_lookup(const asio::any_io_executor& executor, const std::string& hostname,
                    const LookupOptions& options, LookupCallback callback) {
  auto resolver = std::make_shared<asio::ip::tcp::resolver>(executor);
  auto flags = static_cast<asio::ip::resolver_base::flags>(options.hints);
  auto on_resolved = [resolver, hostname, callback = std::move(callback)](
                         const std::error_code& ec, asio::ip::tcp::resolver::results_type results) {
    if (ec) {
      std::string code = ec == asio::error::host_not_found_try_again ? "EAI_AGAIN" : "ENOTFOUND";
      callback(Error::lookup_failed(code, hostname), {});
      return;
    }
    std::vector<LookupAddress> out;
    for (const auto& entry : results) {
      auto address = entry.endpoint().address();
      LookupAddress a{address.to_string(), address.is_v4() ? 4 : 6};
      bool seen = false;
      for (const auto& b : out) seen = seen || b.address == a.address;
      if (!seen) out.push_back(std::move(a));
    }
    callback(Error{}, std::move(out));
  };
  if (options.family == 4)
    resolver->async_resolve(asio::ip::tcp::v4(), hostname, "", flags, std::move(on_resolved));
  else if (options.family == 6)
    resolver->async_resolve(asio::ip::tcp::v6(), hostname, "", flags, std::move(on_resolved));
  else
    resolver->async_resolve(hostname, "", flags, std::move(on_resolved));
}

namespace detail {
asio::awaitable<Stream> connect_coroutine(ConnectOptions options) {
  Error error;
  Stream stream = co_await connect_coroutine(std::move(options), error);
  if (error) throw error;
  co_return stream;
}
}  // namespace detail

asio::awaitable<Stream> connect(std::string host, PortValue port) {
  ConnectOptions options;
  options.host = std::move(host);
  options.port = std::move(port);
  co_return co_await detail::connect_coroutine(std::move(options));
}

asio::awaitable<Stream> connect_path(std::string path) {
  ConnectOptions options;
  options.path = std::move(path);
  co_return co_await detail::connect_coroutine(std::move(options));
}

asio::awaitable<Stream> detail::connect_coroutine(ConnectOptions options, Error& error) {
  using namespace asio::experimental::awaitable_operators;
  // The stream is made on the io_context's executor even when this coroutine runs on a
  // loop callback executor (net::Socket's connect): its completions then dispatch directly.
  auto executor = berth::detail::io_executor(co_await asio::this_coro::executor);
  error = {};
  Stream::socket_type socket(executor);
  // Resolving and connecting are pending requests: they keep the loop alive.
  // A getaddrinfo request and a connect attempt keep the loop alive, as Node's
  // requests do; a custom lookup that never answers does not.
  HandleRef pending(executor);
  pending.activate();

  if (options.path && !options.path->empty()) {  // Node: an empty path is no pipe
    try {
      Endpoint endpoint = make_unix_endpoint(*options.path, "connect");
      std::error_code ec;
      socket.open(protocol_of(endpoint), ec);
      if (!ec) set_close_on_exec(socket.native_handle());
      if (!ec) co_await socket.async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) error = Error::from_system(ec, "connect", *options.path);
    } catch (const Error& e) {
      error = e;
    }
    if (error) co_return Stream(executor);
    co_return Stream(std::move(socket));
  }

  std::uint16_t port = 0;
  try {
    port = validate_connect_options(options);
  } catch (const Error& e) {
    error = e;
    co_return Stream(executor);
  }

  bool auto_select = options.autoSelectFamily.value_or(getDefaultAutoSelectFamily());
  std::vector<LookupAddress> addresses;
  bool looked_up = false;
  const std::string host = options.host.empty() ? std::string("localhost") : options.host;  // Node: host || 'localhost'
  if (int family = ip_family(host)) {
    addresses.push_back({host, family});
  } else {
    LookupOptions lookup_options = detail::connect_lookup_options(options);
    if (options.lookup) pending.deactivate();
    LookupFunction lookup = detail::connect_lookup_function(executor, options);
    BERTH_DEBUG_NET("connect: find host {}", host);
    auto [lookup_error, found] = co_await await_lookup(lookup, host, lookup_options);
    pending.activate();
    if (!lookup_error && found.empty())
      lookup_error = Error::lookup_failed("ENOTFOUND", host);
    if (lookup_error) {
      if (options.observers.lookup) options.observers.lookup(lookup_error, "", 0, host);
      error = lookup_error;
      co_return Stream(executor);
    }
    addresses = auto_select ? interleave(found) : std::vector<LookupAddress>{found.front()};
    if (options.observers.lookup)
      for (const auto& a : addresses) options.observers.lookup(Error{}, a.address, a.family, host);
    for (auto& a : addresses) {
      if (a.family != 4 && a.family != 6) {
        error = Error("ERR_INVALID_ADDRESS_FAMILY",
                      "Invalid address family: " + std::to_string(a.family) + " " + host + ":" + std::to_string(port),
                      ErrorKind::RangeError);
        error.port = port;
        error.host = host;
        co_return Stream(executor);
      }
      if (ip_family(a.address) == 0) {
        error = Error("ERR_INVALID_IP_ADDRESS", "Invalid IP address: " + a.address, ErrorKind::TypeError);
        co_return Stream(executor);
      }
    }
    looked_up = true;
  }

  auto attempt_timeout = options.autoSelectFamilyAttemptTimeout.value_or(
      std::chrono::milliseconds(getDefaultAutoSelectFamilyAttemptTimeout()));
  if (attempt_timeout < std::chrono::milliseconds(10)) attempt_timeout = std::chrono::milliseconds(10);
  bool multiple = addresses.size() > 1;
  // Every attempt's error, in order: with several addresses Node reports them all
  // in one AggregateError (NodeAggregateError: code of the first, empty message).
  std::vector<Error> attempt_errors;
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    Attempt attempt{addresses[i], port};
    bool last = i + 1 == addresses.size();
    if (options.observers.attempt)
      options.observers.attempt(attempt.target.address, port, attempt.target.family);
    if (options.address_filter) {
      // As Node v23: a blocked address is a failed attempt, and the next one is tried.
      if (Error refused = options.address_filter(attempt.target.address, attempt.target.family)) {
        error = std::move(refused);
        attempt_errors.push_back(error);
        if (multiple && options.observers.attempt_failed)
          options.observers.attempt_failed(attempt.target.address, port, attempt.target.family, error);
        continue;
      }
    }
    BERTH_DEBUG_NET("connect: attempting {}:{}", attempt.target.address, port);
    std::error_code ignored;
    socket.close(ignored);
    Error attempt_error;
    if (multiple && !last) {
      asio::steady_timer timer(executor, attempt_timeout);
      auto outcome = co_await (connect_once(socket, attempt, options, attempt_error) ||
                               timer.async_wait(asio::use_awaitable));
      if (outcome.index() == 1) {
        if (options.observers.attempt_timeout)
          options.observers.attempt_timeout(attempt.target.address, port, attempt.target.family);
        error = Error::from_system(std::make_error_code(std::errc::timed_out), "connect",
                                   attempt.target.address, port);
        attempt_errors.push_back(error);
        continue;
      }
    } else {
      co_await connect_once(socket, attempt, options, attempt_error);
    }
    if (!attempt_error) {
      error = {};
      Stream stream(std::move(socket));
      if (options.noDelay) stream.set_no_delay(true);
      if (options.keepAlive)
        stream.set_keep_alive(true, static_cast<unsigned>(options.keepAliveInitialDelay.count() / 1000));
      co_return stream;
    }
    error = attempt_error;
    attempt_errors.push_back(attempt_error);
    if ((multiple || looked_up) && options.observers.attempt_failed)
      options.observers.attempt_failed(attempt.target.address, port, attempt.target.family, attempt_error);
  }
  if (multiple && !attempt_errors.empty()) error = Error::aggregate(std::move(attempt_errors));
  std::error_code ignored;
  socket.close(ignored);
  co_return Stream(executor);
}

namespace detail {

LookupOptions connect_lookup_options(const ConnectOptions& options) {
  int hints = options.hints;
  if (hints == 0 && options.family != 4 && options.family != 6) hints = AI_ADDRCONFIG;
  return LookupOptions{options.family, hints, true};
}

LookupFunction connect_lookup_function(const asio::any_io_executor& executor, const ConnectOptions& options) {
  if (options.lookup) return options.lookup;
  return [executor](const std::string& h, const LookupOptions& o, LookupCallback cb) {
    default_lookup(executor, h, o, std::move(cb));
  };
}

}  // namespace detail

}  // namespace berth
