// Reliability: what the application sees when the peer misbehaves in the middle
// of a transfer (RST, half-close, never reading), and that the server keeps
// serving other clients afterwards.

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <atomic>
#include <thread>
#include <vector>

#include "berth/net.hpp"
#include "reliability/support.hpp"
#include "reliability/watch.hpp"

using namespace berth;
using namespace berth::reliability;

namespace {

// A blocking raw TCP client of 127.0.0.1:port, for peers berth must not control.
int raw_connect(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void raw_reset(int fd) {
  ::linger lg{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  ::close(fd);
}

// One echo round trip on a fresh connection: proves the server still serves.
bool echo_round_trip(std::uint16_t port, const std::string& text = "still there?") {
  std::string got;
  bool closed = false;
  auto c = net::connect(port, "127.0.0.1");
  c->on(net::events::error, [](const Error&) {});
  c->on(net::events::data, [&](BufferView chunk) {
    got.append(reinterpret_cast<const char*>(chunk.data()), chunk.size());
    if (got.size() >= text.size()) c->end();
  });
  c->on(net::events::close, [&] { closed = true; });
  c->write(text);
  run_until([&] { return closed; }, milliseconds(5000));
  return got == text;
}

}  // namespace

TEST_CASE("a peer's RST in the middle of a large write: 'error' ECONNRESET or EPIPE, then 'close'(true), then nothing",
          "[reliability]") {
  const bool berth_peer = GENERATE(true, false);
  INFO((berth_peer ? "peer: berth resetAndDestroy()" : "peer: raw socket, SO_LINGER 0"));
  constexpr std::size_t big = 64u << 20;
  std::vector<std::uint8_t> payload(big, 0x5a);
  Watch watch;
  int write_callbacks = 0, callbacks_after_close = 0;
  Error write_error;
  bool write_returned = true;
  std::optional<std::size_t> queued_at_write;
  net::SocketPtr victim;
  int connections = 0;

  auto server = net::createServer([&](const net::SocketPtr& s) {
    if (++connections > 1) {  // every later client gets an echo service
      s->pipe(s);
      return;
    }
    victim = s;
    watch.attach(s);
    write_returned = s->write(BufferView(payload.data(), payload.size()), [&](const Error& e) {
      ++write_callbacks;
      write_error = e;
      if (watch.closed()) ++callbacks_after_close;
    });
    queued_at_write = s->bufferSize();
  });
  server->listen(0, "127.0.0.1");
  REQUIRE(run_until([&] { return server->listening(); }));
  auto port = server->address()->port;

  std::uint64_t peer_read = 0;
  net::SocketPtr peer;
  int raw = -1;
  if (berth_peer) {
    peer = net::connect(port, "127.0.0.1");
    peer->on(net::events::error, [](const Error&) {});
    peer->on(net::events::data, [&](BufferView chunk) {
      peer_read += chunk.size();
      if (peer_read >= (1u << 20) && !peer->destroyed()) peer->resetAndDestroy();
    });
  } else {
    raw = raw_connect(port);
    REQUIRE(raw >= 0);
    REQUIRE(run_until([&] { return victim != nullptr; }));
    std::vector<char> sink(64 * 1024);
    while (peer_read < (1u << 20)) {
      ssize_t n = ::read(raw, sink.data(), sink.size());
      REQUIRE(n > 0);
      peer_read += static_cast<std::uint64_t>(n);
    }
    raw_reset(raw);
  }
  REQUIRE(run_until([&] { return watch.closed(); }, milliseconds(10000)));
  run_for(milliseconds(100));  // room for anything that would come late

  INFO("events: " << watch.joined());
  CHECK_FALSE(write_returned);
  REQUIRE(queued_at_write);
  CHECK(*queued_at_write > 0);  // the reset did come in the middle of our write
  REQUIRE(watch.errors.size() == 1);
  const std::string code = watch.errors[0].code;
  CHECK((code == "ECONNRESET" || code == "EPIPE"));
  CHECK(watch.log == std::vector<std::string>{"error:" + code, "close:true"});
  CHECK(watch.closes == 1);
  CHECK(watch.late.empty());
  CHECK(write_callbacks == 1);
  CHECK(write_error);
  CHECK(callbacks_after_close == 0);
  CHECK(victim->destroyed());

  CHECK(echo_round_trip(port));
  server->close();
  victim.reset();
  peer.reset();
  CHECK(run_to_end(milliseconds(5000)));
}

TEST_CASE("the peer half-closes and we keep writing: every byte arrives, and with allowHalfOpen false we end after 'end'",
          "[reliability]") {
  constexpr std::size_t chunk = 64 * 1024;
  std::vector<std::uint8_t> block(chunk);
  Pattern(7).fill(block.data(), block.size());

  SECTION("allowHalfOpen true: we write for a while after the peer's FIN, then end") {
    constexpr int chunks = 40;  // 2.5 MiB, written over ~100 ms
    Watch ours, theirs;
    std::uint64_t wrote = 0, callbacks_ok = 0;
    std::vector<std::uint8_t> received;
    net::SocketPtr s_ptr;
    asio::steady_timer pacing(Loop::current().context());
    std::function<void(int)> write_more = [&](int i) {
      if (i == chunks) {
        s_ptr->end();
        return;
      }
      s_ptr->write(BufferView(block.data(), block.size()), [&](const Error& e) {
        if (!e) ++callbacks_ok;
      });
      wrote += chunk;
      pacing.expires_after(milliseconds(2));
      pacing.async_wait([&, i](std::error_code ec) {
        if (!ec) write_more(i + 1);
      });
    };
    auto server = net::createServer({.allowHalfOpen = true}, [&](const net::SocketPtr& s) {
      s_ptr = s;
      ours.attach(s, true);
      s->on(net::events::end, [&] { write_more(0); });
    });
    server->listen(0, "127.0.0.1");
    REQUIRE(run_until([&] { return server->listening(); }));
    net::ConnectOptions options;
    options.port = server->address()->port;
    options.host = "127.0.0.1";
    options.allowHalfOpen = true;
    auto peer = net::connect(options);
    theirs.attach(peer);
    peer->on(net::events::data, [&](BufferView c) { received.insert(received.end(), c.begin(), c.end()); });
    peer->end("bye");
    REQUIRE(run_until([&] { return ours.closed() && theirs.closed(); }));
    INFO("ours: " << ours.joined() << " / theirs: " << theirs.joined());
    CHECK(ours.data_bytes == 3);
    CHECK(wrote == chunks * chunk);
    CHECK(callbacks_ok == chunks);
    REQUIRE(received.size() == wrote);
    bool intact = true;
    for (std::size_t i = 0; i < received.size() && intact; ++i) intact = received[i] == block[i % chunk];
    CHECK(intact);
    // Every 64 KiB write is above highWaterMark, so each one ends in a 'drain'.
    std::vector<std::string> without_drains;
    for (auto& e : ours.log)
      if (e != "drain") without_drains.push_back(e);
    CHECK(without_drains == std::vector<std::string>{"end", "finish", "close:false"});
    CHECK(theirs.log == std::vector<std::string>{"connect", "ready", "finish", "end", "close:false"});
    CHECK(ours.late.empty());
    CHECK(theirs.late.empty());
    server->close();
  }

  SECTION("allowHalfOpen false: writes inside 'end' go out, then we end; a write after that is EPIPE") {
    constexpr int chunks = 8;  // 512 KiB written from inside the 'end' listener
    Watch ours, theirs;
    std::vector<std::uint8_t> received;
    bool late_write_returned = true;
    Error late_write_error;
    int in_end_ok = 0;
    auto server = net::createServer([&](const net::SocketPtr& s) {
      ours.attach(s);
      std::weak_ptr<net::Socket> weak = s;
      s->on(net::events::end, [&, weak] {
        auto self = weak.lock();
        for (int i = 0; i < chunks; ++i)
          self->write(BufferView(block.data(), block.size()), [&](const Error& e) { in_end_ok += e ? 0 : 1; });
      });
      // By 'finish' berth has ended our side after the peer's FIN: too late to write.
      s->on(net::events::finish, [&, weak] {
        late_write_returned = weak.lock()->write("too late", [&](const Error& e) { late_write_error = e; });
      });
      s->resume();
    });
    server->listen(0, "127.0.0.1");
    REQUIRE(run_until([&] { return server->listening(); }));
    net::ConnectOptions options;
    options.port = server->address()->port;
    options.host = "127.0.0.1";
    options.allowHalfOpen = true;
    auto peer = net::connect(options);
    theirs.attach(peer);
    peer->on(net::events::data, [&](BufferView c) { received.insert(received.end(), c.begin(), c.end()); });
    peer->end();
    REQUIRE(run_until([&] { return ours.closed() && theirs.closed(); }));
    INFO("ours: " << ours.joined() << " / theirs: " << theirs.joined());
    CHECK(in_end_ok == chunks);
    REQUIRE(received.size() == chunks * chunk);
    bool intact = true;
    for (std::size_t i = 0; i < received.size() && intact; ++i) intact = received[i] == block[i % chunk];
    CHECK(intact);
    CHECK_FALSE(late_write_returned);
    CHECK(late_write_error.code == "EPIPE");
    CHECK(late_write_error.message == "This socket has been ended by the other party");
    CHECK(ours.saw("end"));
    CHECK(ours.saw("error:EPIPE"));
    CHECK(ours.log.back() == "close:true");
    CHECK(theirs.saw("end"));
    CHECK(ours.closes == 1);
    CHECK(ours.late.empty());
    server->close();
  }
  CHECK(run_to_end(milliseconds(5000)));
}

TEST_CASE("a peer that never reads: write() returns false past highWaterMark, berth holds no more than was queued, "
          "'drain' once the peer reads",
          "[reliability]") {
  constexpr std::size_t chunk = 1u << 20;
  constexpr int chunks = 64;
  std::vector<std::uint8_t> block(chunk);
  Pattern(11).fill(block.data(), block.size());

  net::SocketPtr s_ptr;
  int drains = 0;
  auto server = net::createServer([&](const net::SocketPtr& s) {
    s_ptr = s;
    s->on(net::events::drain, [&] { ++drains; });
  });
  server->listen(0, "127.0.0.1");
  REQUIRE(run_until([&] { return server->listening(); }));
  int raw = raw_connect(server->address()->port);
  REQUIRE(raw >= 0);
  REQUIRE(run_until([&] { return s_ptr != nullptr; }));
  run_for(milliseconds(20));

  // A first write, small enough to go to the kernel at once, and the heap then.
  CHECK(s_ptr->write("x"));
  run_for(milliseconds(20));
  const std::size_t heap_before = heap_in_use();

  std::uint64_t passed = 1;
  int first_false = -1;
  int disagreements = 0;  // write()'s answer against writableLength right after it (Node's rule)
  for (int i = 0; i < chunks; ++i) {
    bool below = s_ptr->write(BufferView(block.data(), block.size()));
    passed += chunk;
    if (below != (s_ptr->writableLength() < s_ptr->writableHighWaterMark())) ++disagreements;
    if (!below && first_false < 0) first_false = i;
  }
  run_for(milliseconds(200));  // the pump writes what the kernel takes, then waits
  const std::size_t queued = s_ptr->writableLength();
  const std::size_t heap_queued = heap_in_use();
  const std::size_t held = heap_queued > heap_before ? heap_queued - heap_before : 0;
  CHECK(drains == 0);
  // The first chunks may go to the kernel whole (write() then says true, as Node's does);
  // once one is left queued, every answer is false.
  CHECK(first_false >= 0);
  CHECK(first_false < 16);
  CHECK(disagreements == 0);
  CHECK(queued >= s_ptr->writableHighWaterMark());
  CHECK(s_ptr->bufferSize() == queued);
  CHECK(s_ptr->writableNeedDrain());
  // The kernel took some (socket buffers), the rest waits in berth.
  CHECK(queued < passed);
  CHECK(queued > passed / 2);
  WARN("passed to write(): " << passed << " B, writableLength: " << queued << " B, heap held: " << held
                             << " B (" << (queued ? 100.0 * static_cast<double>(held) / static_cast<double>(queued) : 0)
                             << "% of writableLength)");
  // What berth allocates for the queue stays within what the application passed
  // to write() (plus 1 MiB for bookkeeping).
  CHECK(held <= passed + (1u << 20));

  // Now the peer reads everything, on its own thread, checking every byte.
  std::atomic<std::uint64_t> peer_bytes{0};
  std::atomic<bool> peer_intact{true}, peer_eof{false};
  std::thread reader([&] {
    std::vector<std::uint8_t> buf(256 * 1024);
    std::uint64_t pos = 0;
    for (;;) {
      ssize_t n = ::read(raw, buf.data(), buf.size());
      if (n <= 0) break;
      for (ssize_t i = 0; i < n; ++i, ++pos) {
        std::uint8_t want = pos == 0 ? 'x' : block[(pos - 1) % chunk];
        if (buf[static_cast<std::size_t>(i)] != want) peer_intact = false;
      }
      peer_bytes += static_cast<std::uint64_t>(n);
    }
    peer_eof = true;
  });
  bool drained = run_until([&] { return drains > 0; }, milliseconds(20000));
  const std::size_t heap_drained = heap_in_use();
  const std::size_t held_after = heap_drained > heap_before ? heap_drained - heap_before : 0;
  s_ptr->end();
  bool closed = run_until([&] { return peer_eof.load(); }, milliseconds(20000));
  ::shutdown(raw, SHUT_WR);
  if (!closed) ::shutdown(raw, SHUT_RDWR);  // unblocks the reader
  reader.join();
  ::close(raw);
  run_until([&] { return s_ptr->destroyed(); }, milliseconds(5000));

  CHECK(drained);
  CHECK(closed);
  CHECK(drains == 1);
  CHECK(peer_bytes == passed);
  CHECK(peer_intact);
  WARN("heap held by the idle socket after 'drain': " << held_after << " B");
  // An idle connection should cost little memory (DESIGN.md): once drained, the
  // queue's buffers should not stay at the size of the largest backlog.
  CHECK(held_after <= (1u << 20));
  server->close();
  s_ptr.reset();
  CHECK(run_to_end(milliseconds(5000)));
}

TEST_CASE("a flood into a socket that does not read: berth holds at most highWaterMark plus one read, and every "
          "byte arrives in order once it reads",
          "[reliability]") {
  const std::string mode = GENERATE(as<std::string>{}, "pause()", "no 'data' listener yet");
  INFO("the server's socket: " << mode);
  constexpr std::size_t total = 32u << 20;
  net::SocketPtr s_ptr;
  auto server = net::createServer([&](const net::SocketPtr& s) {
    s_ptr = s;
    if (mode == "pause()") s->pause();
  });
  server->listen(0, "127.0.0.1");
  REQUIRE(run_until([&] { return server->listening(); }));
  int raw = raw_connect(server->address()->port);
  REQUIRE(raw >= 0);
  REQUIRE(run_until([&] { return s_ptr != nullptr; }));
  run_for(milliseconds(20));
  std::vector<std::uint8_t> block(256 * 1024);  // the writer's, allocated before measuring
  const std::size_t heap_before = heap_in_use();

  // The peer writes as fast as the kernel lets it, on its own thread.
  std::atomic<std::uint64_t> sent{0};
  std::thread writer([&] {
    Pattern pattern(23);
    while (sent < total) {
      pattern.fill(block.data(), block.size());
      std::size_t off = 0;
      while (off < block.size()) {
        ssize_t n = ::write(raw, block.data() + off, block.size() - off);
        if (n <= 0) return;
        off += static_cast<std::size_t>(n);
      }
      sent += block.size();
    }
    ::shutdown(raw, SHUT_WR);
  });
  run_for(milliseconds(500));
  const std::size_t heap_flooded = heap_in_use();
  const std::size_t held = heap_flooded > heap_before ? heap_flooded - heap_before : 0;
  const std::uint64_t read_while_stalled = s_ptr->bytesRead();
  WARN("while not reading: the peer got " << sent.load() << " B into the kernel, berth read " << read_while_stalled
                                          << " B and holds " << held << " B of heap");
  CHECK(sent < total);  // the peer is held back by TCP flow control
  CHECK(read_while_stalled <= s_ptr->readableHighWaterMark() + 64 * 1024);
  CHECK(held <= 256u * 1024);

  // Reading starts: everything arrives, in order, then 'end'.
  std::uint64_t received = 0;
  bool intact = true, ended = false;
  Pattern expect(23);
  s_ptr->on(net::events::data, [&](BufferView chunk) {
    for (std::uint8_t b : chunk) intact = intact && b == expect.next();
    received += chunk.size();
  });
  s_ptr->on(net::events::end, [&] { ended = true; });
  s_ptr->resume();
  CHECK(run_until([&] { return ended; }, milliseconds(30000)));
  writer.join();
  CHECK(received == total);
  CHECK(intact);
  ::close(raw);
  server->close();
  s_ptr.reset();
  CHECK(run_to_end(milliseconds(5000)));
}
