#include "log.hpp"

#include <spdlog/sinks/stdout_sinks.h>

#include <cstdlib>
#include <memory>
#include <string_view>

namespace berth::detail {

spdlog::logger* net_log() {
  static std::shared_ptr<spdlog::logger> logger = []() -> std::shared_ptr<spdlog::logger> {
    const char* env = std::getenv("BERTH_DEBUG");
    if (!env || std::string_view(env).find("net") == std::string_view::npos) return nullptr;
    auto l = std::make_shared<spdlog::logger>("net", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("NET %P: %v");
    l->set_level(spdlog::level::debug);
    return l;
  }();
  return logger.get();
}

}  // namespace berth::detail
