#pragma once
// How a connect looks its host up, shared by berth::connect() and net::Socket's
// connect() on an adopted descriptor, so both ask exactly as Node does.

#include <asio/any_io_executor.hpp>

#include "berth/connect.hpp"

namespace berth::detail {

/// Node's lookup options for a connect: the family and hints given, and AI_ADDRCONFIG
/// only when neither was given (Node v20, probed: with family 4 or 6 it asks for
/// exactly that, so a host with loopback alone still resolves "localhost").
LookupOptions connect_lookup_options(const ConnectOptions& options);

/// options.lookup, or getaddrinfo on `executor`'s resolver when there is none.
LookupFunction connect_lookup_function(const asio::any_io_executor& executor, const ConnectOptions& options);

}  // namespace berth::detail
