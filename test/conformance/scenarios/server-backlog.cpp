// The backlog handed to listen(2), read back from the Send-Q column of `ss -ltn`:
// 511 by default, as given otherwise, 0 means 511, the kernel caps it at somaxconn.
#include <cstdio>
#include <sstream>

#include "trace.hpp"

using namespace conf;

static std::string backlogOf(int port) {
  std::string cmd = "ss -Hltn 'sport = :" + std::to_string(port) + "'";
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    ::pclose(p);
  }
  std::istringstream fields(out);
  std::string state, recvq, sendq;
  fields >> state >> recvq >> sendq;
  return sendq;
}

using Form = std::pair<std::string, std::function<void(net::Server&, std::function<void()>)>>;

static const std::vector<Form> forms = {
    {"listen(0,host)", [](net::Server& s, auto cb) { s.listen(0, "127.0.0.1", cb); }},
    {"listen(0,host,7)", [](net::Server& s, auto cb) { s.listen(0, "127.0.0.1", 7, cb); }},
    {"listen({backlog:3})",
     [](net::Server& s, auto cb) { s.listen(net::ListenOptions{.port = 0, .host = "127.0.0.1", .backlog = 3}, cb); }},
    {"listen({backlog:0})",
     [](net::Server& s, auto cb) { s.listen(net::ListenOptions{.port = 0, .host = "127.0.0.1", .backlog = 0}, cb); }},
    {"listen({backlog:100000})",
     [](net::Server& s, auto cb) {
       s.listen(net::ListenOptions{.port = 0, .host = "127.0.0.1", .backlog = 100000}, cb);
     }},
};

static void next(std::size_t i) {
  if (i == forms.size()) return;
  auto s = net::createServer();
  forms[i].second(*s, [s, i] {
    line(forms[i].first, "backlog=" + backlogOf(s->address()->port));
    s->close([i](const Error&) { next(i + 1); });
  });
}

void scenario() { next(0); }
