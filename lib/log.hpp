#pragma once
// Debug logging through spdlog, silent unless BERTH_DEBUG names the subsystem
// (BERTH_DEBUG=net), as NODE_DEBUG=net does for Node.

#include <spdlog/logger.h>

namespace berth::detail {

/// The "net" logger, or nullptr when BERTH_DEBUG does not mention "net".
spdlog::logger* net_log();

}  // namespace berth::detail

#define BERTH_DEBUG_NET(...)                                              \
  do {                                                                    \
    if (auto* berth_log_ = ::berth::detail::net_log()) berth_log_->debug(__VA_ARGS__); \
  } while (0)
