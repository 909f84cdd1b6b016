// Spec example "Identifying paths for IPC connections": a Windows named-pipe path. On
// Linux it is an ordinary relative path in a directory that does not exist; with no
// 'error' listener (as in the example) the listen error is uncaught.
#include <filesystem>

#include "trace.hpp"

using namespace conf;

void scenario() {
  net::createServer()->listen((std::filesystem::path("\\\\?\\pipe") / std::filesystem::current_path().relative_path() /
                               "myctl").string());
}
