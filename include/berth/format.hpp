#pragma once
// fmt support for berth's types (fmt comes with spdlog, a dependency of berth):
// `fmt::format("{}", error)` and `spdlog::error("{}", error)` print a berth::Error
// as berth::to_string() does, Node's `String(err)` with the code always in it.
// Format specs are those of a string: `{:>60}` pads it.
// Apart from berth/error.hpp so that only code that formats pays for fmt's headers.

#include <fmt/format.h>

#include <string_view>

#include "berth/error.hpp"

template <>
struct fmt::formatter<berth::Error> : fmt::formatter<std::string_view> {
  template <class FormatContext>
  auto format(const berth::Error& error, FormatContext& ctx) const -> decltype(ctx.out()) {
    return fmt::formatter<std::string_view>::format(berth::to_string(error), ctx);
  }
};
