// isIP / isIPv4 / isIPv6 against inet_pton on the inputs of Node's
// benchmark/net/net-is-ip-v4.js and net-is-ip-v6.js. Prints ns per call.
//
//   bench_is_ip [--ms N]    time spent on each measurement (default 200 ms)

#include <arpa/inet.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "berth/is_ip.hpp"

namespace {

// Keeps the compiler from folding the inputs or dropping the results.
template <class T>
inline void keep(T const& value) {
  asm volatile("" : : "r,m"(value) : "memory");
}
inline const char* opaque(const char* p) {
  asm volatile("" : "+r"(p));
  return p;
}

// Calls `f` in batches until `budget` has passed; returns ns per call.
template <class F>
double ns_per_call(F f, std::chrono::milliseconds budget) {
  using clock = std::chrono::steady_clock;
  std::size_t calls = 0;
  const auto start = clock::now();
  auto now = start;
  do {
    for (int i = 0; i < 10000; ++i) f();
    calls += 10000;
    now = clock::now();
  } while (now - start < budget);
  return std::chrono::duration<double, std::nano>(now - start).count() / static_cast<double>(calls);
}

}  // namespace

int main(int argc, char** argv) {
  std::chrono::milliseconds budget(200);
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--ms") == 0) budget = std::chrono::milliseconds(std::atoi(argv[i + 1]));

  struct Input { const char* text; int family; };
  const Input inputs[] = {
      {"0.0.0.0", 4}, {"255.255.255.255", 4}, {"0.0.0.0.0", 4},                  // net-is-ip-v4.js
      {"::1", 6}, {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 6}, {"0.0.0.0", 6},  // net-is-ip-v6.js
  };

  std::printf("%-52s %12s %12s %12s\n", "input", "isIPvN ns", "isIP ns", "inet_pton ns");
  for (const Input& input : inputs) {
    const std::size_t length = std::strlen(input.text);
    const double by_family = ns_per_call(
        [&] {
          std::string_view text(opaque(input.text), length);
          keep(input.family == 4 ? berth::net::isIPv4(text) : berth::net::isIPv6(text));
        },
        budget);
    const double by_isip = ns_per_call(
        [&] { keep(berth::net::isIP(std::string_view(opaque(input.text), length))); }, budget);
    const double by_pton = ns_per_call(
        [&] {
          unsigned char buffer[16];
          keep(inet_pton(input.family == 4 ? AF_INET : AF_INET6, opaque(input.text), buffer));
        },
        budget);
    char label[64];
    std::snprintf(label, sizeof label, "isIPv%d('%s')", input.family, input.text);
    std::printf("%-52s %12.1f %12.1f %12.1f\n", label, by_family, by_isip, by_pton);
  }
}
