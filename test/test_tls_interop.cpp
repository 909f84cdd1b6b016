// berth's TLS CLIENT against real servers: `openssl s_server` and a node v20
// tls.createServer (test/tls_probes/node_tls_server.js), each spawned on 127.0.0.1 with a
// port the OS chose, with the event layer's tls::connect and the coroutine tls::connect.
// (berth's server against curl, `openssl s_client` and node's client: test_tls_server.cpp.)
//
// Every expected line comes from node v20.20.2 (OpenSSL 3.0.19) running the same scenario
// with its own client: test/tls_probes/probe7.js (scenarios s_server and node_server;
// write_certs.cpp there says how to run it). `openssl` and `node` are required: a missing
// one fails the test with a message (test/run-all.sh installs both), never skips it.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <asio/this_coro.hpp>
#include <catch2/catch.hpp>
#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "berth/connect.hpp"
#include "berth/net.hpp"
#include "berth/tls.hpp"
#include "net_support.hpp"
#include "support.hpp"
#include "tls_event_support.hpp"

#ifndef BERTH_TLS_PROBES_DIR
#error "test/CMakeLists.txt defines BERTH_TLS_PROBES_DIR (test/tls_probes) for this file"
#endif

using namespace berth;
using namespace std::chrono_literals;
using berth::test::certs;
using berth::test::flag;
using berth::test::run_loop;
using berth::test::Trace;
using berth::test::trace_events;
using Lines = std::vector<std::string>;

namespace {

using Clock = std::chrono::steady_clock;

/// The full path of `tool` found on the PATH, or empty.
std::string find_on_path(const std::string& tool) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::filesystem::path candidate = std::filesystem::path(dirs.substr(start, end - start)) / tool;
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return {};
}

/// A child process with a pipe to its stdin and one from its stdout and stderr together.
/// The destructor kills it (SIGKILL, by its pid) if it still runs.
class Process {
 public:
  explicit Process(std::vector<std::string> argv) {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      // Only async-signal-safe calls until exec. dup2 clears O_CLOEXEC on 0, 1, 2;
      // everything else is closed, whatever its flag (Catch2's or OpenSSL's files too).
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      ::dup2(out[1], 2);
      ::close_range(3, ~0U, 0);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    stdin_ = in[1];
    stdout_ = out[0];
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process() {
    close_stdin();
    if (running()) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (stdout_ >= 0) ::close(stdout_);
  }

  /// Reads the output until `pattern` matches it, for at most `limit`; returns the
  /// match's first group, or nothing (the process ended or the time ran out).
  std::optional<std::string> wait_for(const std::regex& pattern, std::chrono::milliseconds limit) {
    auto deadline = Clock::now() + limit;
    for (;;) {
      std::smatch m;
      if (std::regex_search(output_, m, pattern)) return m[1].str();
      if (!read_some(deadline)) return std::nullopt;
    }
  }

  void write(std::string_view text) {
    if (stdin_ >= 0 && ::write(stdin_, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
      throw std::runtime_error("writing to the child's stdin failed");
  }
  void close_stdin() {
    if (stdin_ >= 0) ::close(stdin_);
    stdin_ = -1;
  }

  /// Reads the output to its end and waits for the process, for at most `limit`; returns
  /// its exit code, or -1 when it had to be killed (or died of a signal).
  int wait(std::chrono::milliseconds limit) {
    auto deadline = Clock::now() + limit;
    while (read_some(deadline)) {
    }
    while (running() && Clock::now() < deadline) ::usleep(10000);
    if (running()) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      status_ = -1;
    }
    return *status_;
  }

  const std::string& output() const noexcept { return output_; }

 private:
  bool running() {
    if (status_) return false;
    int st = 0;
    if (::waitpid(pid_, &st, WNOHANG) != pid_) return true;
    status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return false;
  }
  // One read of the output, waiting until `deadline`; false at its end or at the deadline.
  bool read_some(Clock::time_point deadline) {
    if (stdout_ < 0) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{stdout_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
    char chunk[4096];
    ssize_t n = ::read(stdout_, chunk, sizeof chunk);
    if (n <= 0) {
      ::close(stdout_);
      stdout_ = -1;
      return false;
    }
    output_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  std::string output_;
  std::optional<int> status_;
};

/// `tool`'s path; fails the test when it is not on the PATH.
std::string require_tool(const std::string& tool) {
  std::string path = find_on_path(tool);
  if (path.empty())
    FAIL(tool << " is not on the PATH: the TLS interop tests need it (test/run-all.sh installs openssl and node)");
  return path;
}

/// `openssl s_server` for one connection on 127.0.0.1, port 0, with the test server
/// certificate and ALPN http/1.1, holding on its stdin a line it sends once connected.
/// Returns the port it printed ("ACCEPT 127.0.0.1:N": openssl 3 prints the port it got).
std::uint16_t start_s_server(std::optional<Process>& server) {
  server.emplace(std::vector<std::string>{require_tool("openssl"), "s_server", "-accept", "127.0.0.1:0", "-cert",
                                          certs().server.cert_file, "-key", certs().server.key_file, "-naccept", "1",
                                          "-alpn", "http/1.1"});
  auto port = server->wait_for(std::regex("ACCEPT 127\\.0\\.0\\.1:(\\d+)\n"), 10s);
  INFO("s_server printed: " << server->output());
  REQUIRE(port);
  // Its stdin stays open: without -quiet, end-of-file there makes s_server drop the
  // connection at once.
  server->write("hello from s_server\n");
  return static_cast<std::uint16_t>(std::stoi(*port));
}

/// node_tls_server.js (one connection, echoed) on 127.0.0.1, port 0; returns its port.
std::uint16_t start_node_server(std::optional<Process>& server) {
  server.emplace(std::vector<std::string>{require_tool("node"), BERTH_TLS_PROBES_DIR "/node_tls_server.js",
                                          certs().dir.string()});
  auto port = server->wait_for(std::regex("port (\\d+)\n"), 10s);
  INFO("node printed: " << server->output());
  REQUIRE(port);
  return static_cast<std::uint16_t>(std::stoi(*port));
}

/// What s_server printed about the connection (probe7 s_server): the client's line, the
/// ALPN it was offered and chose, and the close_notify it got ("DONE") and answered.
void check_s_server_output(Process& server) {
  int status = server.wait(10s);
  const std::string& out = server.output();
  INFO("s_server printed: " << out);
  CHECK(status == 0);
  CHECK(out.find("hello from berth\n") != std::string::npos);
  CHECK(out.find("ALPN protocols advertised by the client: h2, http/1.1\n") != std::string::npos);
  CHECK(out.find("ALPN protocols selected: http/1.1\n") != std::string::npos);
  CHECK(out.find("DONE\nshutting down SSL\nCONNECTION CLOSED\n") != std::string::npos);
}

/// The node server's lines about the connection (probe7 node_server).
void check_node_server_output(Process& server) {
  int status = server.wait(10s);
  INFO("node printed: " << server.output());
  CHECK(status == 0);
  std::string out = server.output();
  out.erase(0, out.find('\n') + 1);  // "port N"
  CHECK(out ==
        "S secureConnection servername:localhost alpn:http/1.1 protocol:TLSv1.3 authorized:false\n"
        "S data ping\nS end\nS finish\nS close false\n");
}

std::string describe(const tls::TLSSocket& c) {
  return "C secureConnect authorized:" + flag(c.authorized()) + " alpn:" + c.alpnProtocol() + " protocol:" +
         c.getProtocol() + " CN:" + c.getPeerCertificate().subject["CN"];
}

tls::SecureContext client_context(std::vector<std::string> alpn) {
  tls::SecureContextOptions options;
  options.ca = {certs().ca.cert};
  options.ALPNProtocols = std::move(alpn);
  return tls::SecureContext(options);
}

/// Reads until the stream ends (read_some returns 0); returns what it read.
asio::awaitable<std::string> read_to_end(tls::Stream& stream) {
  std::string all;
  std::array<char, 4096> buffer{};
  while (std::size_t n = co_await stream.read_some(asio::buffer(buffer))) all.append(buffer.data(), n);
  co_return all;
}

/// Reads until `text` holds at least `size` bytes.
asio::awaitable<std::string> read_at_least(tls::Stream& stream, std::size_t size) {
  std::string text;
  std::array<char, 4096> buffer{};
  while (text.size() < size) {
    std::size_t n = co_await stream.read_some(asio::buffer(buffer));
    if (n == 0) break;
    text.append(buffer.data(), n);
  }
  co_return text;
}

/// berth's event-layer tls::connect to host:port (servername localhost, the test CA,
/// offering `alpn`): writes `hello` once secure and end()s once `received_all` says yes to
/// what has come back; returns the trace of the client's events (and describe()'s line).
Lines event_client(const std::string& host, std::uint16_t port, std::vector<std::string> alpn,
                   const std::string& hello, const std::function<bool(const std::string&)>& received_all) {
  Trace trace;
  tls::ConnectionOptions options;
  options.port = port;
  options.host = host;
  options.servername = "localhost";
  options.ca = {certs().ca.cert};
  options.ALPNProtocols = std::move(alpn);
  tls::TLSSocketPtr c;
  c = tls::connect(options, [&] {
    trace(describe(*c));
    c->write(hello);
  });
  trace_events(trace, "C", c);
  std::string got;
  c->on(net::events::data, [&](BufferView b) {
    got += std::string(b);
    if (received_all(got)) c->end();
  });
  run_loop(20s);
  c.reset();
  return trace.lines;
}

/// What node's own client sees against either server (probe7 s_server and node_server),
/// `data` being the one 'data' it gets; event_client's trace must be the same.
Lines node_client_lines(const std::string& data) {
  return {"C.connect", "C.ready", "C secureConnect authorized:true alpn:http/1.1 protocol:TLSv1.3 CN:localhost",
          "C.secureConnect", "C.data " + data, "C.finish", "C.end", "C.close false"};
}

/// berth's coroutine tls::connect to host:port (servername localhost, the test CA,
/// offering `alpn`), checking what both servers' handshakes give: authorized, ALPN
/// http/1.1, TLSv1.3, the peer's CN localhost.
asio::awaitable<tls::Stream> coroutine_client(const char* host, std::uint16_t port, std::vector<std::string> alpn) {
  berth::ConnectOptions connect;
  connect.host = host;
  connect.port = port;
  tls::HandshakeOptions handshake;
  handshake.servername = "localhost";
  tls::ConnectOptions options(connect, client_context(std::move(alpn)), handshake);
  tls::Stream stream = co_await tls::connect(options);
  CHECK(stream.authorized());
  CHECK(stream.alpnProtocol() == "http/1.1");
  CHECK(stream.getProtocol() == "TLSv1.3");
  CHECK(stream.getPeerCertificate().subject["CN"] == "localhost");
  co_return stream;
}

/// Sends close_notify and the FIN; the server's close_notify in answer must end the
/// reading with nothing more. Then closes the stream.
asio::awaitable<void> shutdown_both_ways(tls::Stream& stream) {
  co_await stream.shutdown();
  std::string rest = co_await read_to_end(stream);
  CHECK(rest.empty());
  stream.close();
}

}  // namespace

TEST_CASE("berth's tls::connect against openssl s_server: verified against the test CA, ALPN, a line each way, "
          "end() answered with close_notify",
          "[tls][interop]") {
  std::optional<Process> server;
  const std::uint16_t port = start_s_server(server);
  Lines lines = event_client("127.0.0.1", port, {"h2", "http/1.1"}, "hello from berth\n",
                             [](const std::string& got) { return !got.empty() && got.back() == '\n'; });
  CHECK(lines == node_client_lines("hello from s_server\n"));
  check_s_server_output(*server);
}

TEST_CASE("berth's coroutine tls::connect against openssl s_server: the same handshake, lines and shutdown",
          "[tls][interop]") {
  std::optional<Process> server;
  const std::uint16_t port = start_s_server(server);
  berth::test::run_coro([&]() -> asio::awaitable<void> {
    std::vector<std::string> alpn = {"h2", "http/1.1"};  // named: GCC bug 99576
    tls::Stream stream = co_await coroutine_client("127.0.0.1", port, alpn);
    CHECK(stream.authorizationError().empty());
    std::string line = co_await read_at_least(stream, std::string_view("hello from s_server\n").size());
    CHECK(line == "hello from s_server\n");
    co_await stream.write(std::string_view("hello from berth\n"));
    // s_server answers the close_notify with its own, which ends our reading.
    co_await shutdown_both_ways(stream);
  }, 20s);
  check_s_server_output(*server);
}

TEST_CASE("berth's tls::connect against node's tls.createServer: authorized, ALPN, the echo, the peer's CN, and "
          "end/close in node's client's order",
          "[tls][interop]") {
  std::optional<Process> server;
  const std::uint16_t port = start_node_server(server);
  Lines lines =
      event_client("localhost", port, {"x", "http/1.1"}, "ping", [](const std::string& got) { return got == "ping"; });
  CHECK(lines == node_client_lines("ping"));
  check_node_server_output(*server);
}

TEST_CASE("berth's coroutine tls::connect against node's tls.createServer: the same handshake, echo and shutdown",
          "[tls][interop]") {
  std::optional<Process> server;
  const std::uint16_t port = start_node_server(server);
  berth::test::run_coro([&]() -> asio::awaitable<void> {
    std::vector<std::string> alpn = {"x", "http/1.1"};  // named: GCC bug 99576
    tls::Stream stream = co_await coroutine_client("localhost", port, alpn);
    co_await stream.write(std::string_view("ping"));
    std::string echo = co_await read_at_least(stream, 4);
    CHECK(echo == "ping");
    // node's server ends its side in turn (pipe()), with close_notify.
    co_await shutdown_both_ways(stream);
  }, 20s);
  check_node_server_output(*server);
}
