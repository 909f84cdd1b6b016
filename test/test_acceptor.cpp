#include "berth/acceptor.hpp"

#include <sys/socket.h>
#include <sys/stat.h>

#include <asio/ip/tcp.hpp>
#include <asio/this_coro.hpp>
#include <catch2/catch.hpp>
#include <filesystem>

#include "berth/connect.hpp"
#include "support.hpp"

using berth::Acceptor;
using berth::Error;
using berth::ListenOptions;
using berth::test::run_coro;

namespace {
Error listen_error(Acceptor& acceptor, const ListenOptions& options) {
  Error error;
  acceptor.listen(options, error);
  return error;
}
}  // namespace

TEST_CASE("an acceptor with no host listens dual-stack on :: with an OS-assigned port", "[acceptor]") {
  asio::io_context ctx;
  Acceptor acceptor(ctx.get_executor());
  acceptor.listen({});
  auto address = acceptor.address();
  REQUIRE(address);
  CHECK(address->address == "::");
  CHECK(address->family == "IPv6");
  CHECK(address->port != 0);
}

TEST_CASE("an acceptor on 127.0.0.1 reports Node's address object", "[acceptor]") {
  asio::io_context ctx;
  Acceptor acceptor(ctx.get_executor());
  acceptor.listen({.host = "127.0.0.1"});
  auto address = acceptor.address();
  REQUIRE(address);
  CHECK(address->address == "127.0.0.1");
  CHECK(address->family == "IPv4");
  acceptor.close();
  CHECK_FALSE(acceptor.address());
}

TEST_CASE("listening twice on one port gives Node's EADDRINUSE error on IPv4 and on ::", "[acceptor]") {
  asio::io_context ctx;
  Acceptor first(ctx.get_executor()), second(ctx.get_executor());
  first.listen({.host = "127.0.0.1"});
  auto port = first.address()->port;
  auto e = listen_error(second, {.port = port, .host = "127.0.0.1"});
  CHECK(e.code == "EADDRINUSE");
  CHECK(e.errnum == -98);
  CHECK(e.syscall == "listen");
  CHECK(*e.address == "127.0.0.1");
  CHECK(*e.port == port);
  CHECK(e.message == "listen EADDRINUSE: address already in use 127.0.0.1:" + std::to_string(port));
  CHECK_FALSE(second.is_open());

  Acceptor wild(ctx.get_executor()), wild2(ctx.get_executor());
  wild.listen({});
  auto wport = wild.address()->port;
  auto e2 = listen_error(wild2, {.port = wport});
  CHECK(e2.message == "listen EADDRINUSE: address already in use :::" + std::to_string(wport));
  // The same acceptor can listen again after the error.
  wild2.listen({});
  CHECK(wild2.is_open());
}

TEST_CASE("ipv6Only leaves the IPv4 wildcard of the same port free", "[acceptor]") {
  asio::io_context ctx;
  Acceptor v6(ctx.get_executor()), v4(ctx.get_executor());
  v6.listen({.host = "::", .ipv6Only = true});
  auto port = v6.address()->port;
  v4.listen({.port = port, .host = "0.0.0.0"});
  CHECK(v4.address()->family == "IPv4");

  Acceptor dual(ctx.get_executor()), v4b(ctx.get_executor());
  dual.listen({.host = "::"});
  CHECK(listen_error(v4b, {.port = dual.address()->port, .host = "0.0.0.0"}).code == "EADDRINUSE");
}

TEST_CASE("a Unix acceptor reports its path, refuses a taken path, and unlinks on close", "[acceptor][unix]") {
  berth::test::TempDir dir;
  auto path = dir.file("s.sock");
  asio::io_context ctx;
  Acceptor acceptor(ctx.get_executor());
  acceptor.listen({.path = path});
  CHECK(acceptor.address()->address == path);
  CHECK(acceptor.address()->is_unix());
  CHECK(std::filesystem::is_socket(path));

  Acceptor other(ctx.get_executor());
  auto e = listen_error(other, {.path = path});
  CHECK(e.code == "EADDRINUSE");
  CHECK(*e.port == -1);
  CHECK(e.message == "listen EADDRINUSE: address already in use " + path);

  acceptor.close();
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("a path held by a regular file gives EADDRINUSE and is not unlinked", "[acceptor][unix]") {
  berth::test::TempDir dir;
  auto path = dir.file("plain");
  { std::FILE* f = std::fopen(path.c_str(), "w"); std::fclose(f); }
  asio::io_context ctx;
  Acceptor acceptor(ctx.get_executor());
  CHECK(listen_error(acceptor, {.path = path}).code == "EADDRINUSE");
  CHECK(std::filesystem::is_regular_file(path));
}

TEST_CASE("a Unix path longer than sun_path is an ENAMETOOLONG error, never truncated", "[acceptor][unix]") {
  berth::test::TempDir dir;
  auto path = dir.file(std::string(120, 'x'));
  asio::io_context ctx;
  Acceptor acceptor(ctx.get_executor());
  auto e = listen_error(acceptor, {.path = path});
  CHECK(e.code == "ENAMETOOLONG");
  CHECK(e.message == "listen ENAMETOOLONG: name too long " + path);
  CHECK_FALSE(acceptor.is_open());
  CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("readableAll and writableAll set the socket file's mode for everyone", "[acceptor][unix]") {
  berth::test::TempDir dir;
  auto path = dir.file("rw.sock");
  asio::io_context ctx;
  Acceptor acceptor(ctx.get_executor());
  acceptor.listen({.path = path, .readableAll = true, .writableAll = true});
  struct stat st{};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & S_IROTH));
  CHECK((st.st_mode & S_IWOTH));
}

TEST_CASE("an abstract Unix name listens without a file and accepts connections", "[acceptor][unix]") {
  std::string name = std::string(1, '\0') + "berth-test-" + std::to_string(::getpid());
  run_coro([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    Acceptor acceptor(ex);
    acceptor.listen({.path = name});
    CHECK(acceptor.address()->address == name);
    auto client = co_await berth::connect_path(name);
    auto server = co_await acceptor.accept();
    co_await client.write(asio::buffer("hi", 2));
    char buf[2];
    co_await server.read_exactly(asio::buffer(buf));
    CHECK(std::string(buf, 2) == "hi");
  });
}

TEST_CASE("an acceptor listens on an already-bound file descriptor", "[acceptor]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) == 0);
    Acceptor acceptor(ex);
    acceptor.listen({.fd = fd});
    auto address = acceptor.address();
    REQUIRE(address);
    CHECK(address->address == "127.0.0.1");
    auto client = co_await berth::connect("127.0.0.1", address->port);
    auto server = co_await acceptor.accept();
    CHECK(server.remote_address()->port == client.local_address()->port);
  });
}

TEST_CASE("listening on a busy acceptor is ERR_SERVER_ALREADY_LISTEN", "[acceptor]") {
  asio::io_context ctx;
  Acceptor acceptor(ctx.get_executor());
  acceptor.listen({.host = "127.0.0.1"});
  auto e = listen_error(acceptor, {.host = "127.0.0.1"});
  CHECK(e.code == "ERR_SERVER_ALREADY_LISTEN");
  CHECK(e.message == "Listen method has been called more than once without closing.");
}

TEST_CASE("closing an acceptor cancels a pending accept", "[acceptor]") {
  run_coro([&]() -> asio::awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    Acceptor acceptor(ex);
    acceptor.listen({.host = "127.0.0.1"});
    asio::steady_timer t(ex, std::chrono::milliseconds(20));
    t.async_wait([&](std::error_code) { acceptor.close(); });
    Error error;
    co_await acceptor.accept(error);
    CHECK(error.code == "ECANCELED");
  });
}
