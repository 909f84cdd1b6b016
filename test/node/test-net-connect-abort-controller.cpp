// Node's test/parallel/test-net-connect-abort-controller.js: a socket given an
// AbortSignal (through net.connect or new Socket) is destroyed with an AbortError,
// emitted as 'error' before 'close', whether the signal aborts before the call,
// right after it, or on a later turn of the loop. The steps run one after the
// other, as the Node test awaits each. (Node also counts the signal's 'abort'
// listeners with events.getEventListeners; berth's AbortSignal is not an
// EventTarget and offers no such count, so those asserts are not written.)
#include "common.hpp"

#include <asio/post.hpp>

namespace test_net_connect_abort_controller {
using namespace berth;
using namespace berth::node_test;

using Step = std::function<void(std::function<void()> next)>;

TEST_CASE("test-net-connect-abort-controller", "[node]") {
  Common common;
  auto server = net::createServer();
  std::vector<net::SocketPtr> liveConnections;
  auto setImmediate = [](std::function<void()> f) { asio::post(Loop::current().get_executor(), std::move(f)); };

  int port = 0;
  const std::string host = "localhost";
  std::vector<Step> steps;
  std::vector<net::SocketPtr> held;
    auto socketOptions = [&](AbortSignal signal) {
      return net::ConnectOptions{.port = port, .host = host, .signal = signal};
    };
    server->on(net::events::connection, [&](const net::SocketPtr& connection) {
      liveConnections.push_back(connection);
    });

    // once(socket, 'close') rejects with the 'error' that comes first: an AbortError.
    auto assertAbort = [&](const net::SocketPtr& socket, std::string testName, std::function<void()> next) {
      held.push_back(socket);  // as the awaiting async function holds it in Node
      auto errored = std::make_shared<bool>(false);
      socket->on(net::events::error, [errored, testName](const Error& err) {
        INFO(testName);
        CHECK(static_cast<int>(err.kind) == static_cast<int>(ErrorKind::AbortError));
        CHECK(err.code == "ABORT_ERR");
        *errored = true;
      });
      socket->on(net::events::close, common.mustCall([errored, testName, next] {
        INFO("close " << testName << " should have come after an AbortError");
        CHECK(*errored);
        next();
      }));
    };

    steps.push_back([&](std::function<void()> next) {  // postAbort
      AbortController ac;
      auto socket = net::connect(socketOptions(ac.signal()));
      ac.abort();
      assertAbort(socket, "postAbort", next);
    });
    steps.push_back([&](std::function<void()> next) {  // preAbort
      AbortController ac;
      ac.abort();
      auto socket = net::connect(socketOptions(ac.signal()));
      assertAbort(socket, "preAbort", next);
    });
    steps.push_back([&](std::function<void()> next) {  // tickAbort
      auto ac = std::make_shared<AbortController>();
      setImmediate([ac] { ac->abort(); });
      auto socket = net::connect(socketOptions(ac->signal()));
      assertAbort(socket, "tickAbort", next);
    });
    steps.push_back([&](std::function<void()> next) {  // testConstructor
      AbortController ac;
      ac.abort();
      auto socket = net::Socket::create({.signal = ac.signal()});
      assertAbort(socket, "testConstructor", next);
    });
    steps.push_back([&](std::function<void()> next) {  // testConstructorPost
      AbortController ac;
      auto socket = net::Socket::create({.signal = ac.signal()});
      ac.abort();
      assertAbort(socket, "testConstructorPost", next);
    });
    steps.push_back([&](std::function<void()> next) {  // testConstructorPostTick
      auto ac = std::make_shared<AbortController>();
      auto socket = net::Socket::create({.signal = ac->signal()});
      setImmediate([ac] { ac->abort(); });
      assertAbort(socket, "testConstructorPostTick", next);
    });

  std::function<void(std::size_t)> run_step = [&](std::size_t i) {
    if (i == steps.size()) {
      // Killing the net.Socket without connecting hangs the server.
      for (auto& connection : liveConnections) connection->destroy();
      liveConnections.clear();
      server->close(common.mustCall());
      return;
    }
    steps[i]([&run_step, i] { run_step(i + 1); });
  };
  server->listen(0, common.mustCall([&] {
    port = server->address()->port;
    run_step(0);
  }));
  common.run();
}

}  // namespace test_net_connect_abort_controller
