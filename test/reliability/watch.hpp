#pragma once
// Watch: records what a net::Socket emits, and notices anything it emits after
// its 'close' (berth drops a socket's listeners once 'close' has run, so Watch
// registers fresh ones right after it to see a late event or a second 'close').

#include <asio/post.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "berth/net.hpp"

namespace berth::reliability {

struct Watch {
  std::vector<std::string> log;     // events in order ("error:CODE", "close:true", ...)
  std::vector<std::string> late;    // events heard after the first 'close'
  std::vector<Error> errors;
  int closes = 0;
  std::optional<bool> had_error;
  std::uint64_t data_bytes = 0;

  /// Listens to every event of `s`; with `data`, a 'data' listener too (which
  /// starts the flow, as in Node).
  void attach(const net::SocketPtr& s, bool data = false) { listen(s, data, false); }

  bool closed() const { return closes > 0; }
  bool saw(const std::string& event) const {
    for (auto& e : log)
      if (e == event || e.rfind(event + ":", 0) == 0) return true;
    return false;
  }
  std::string joined() const {
    std::string out;
    for (auto& e : log) out += (out.empty() ? "" : " ") + e;
    return out;
  }

 private:
  void note(const std::string& event, bool after) {
    if (after || closes > 0) late.push_back(event);
    else log.push_back(event);
  }

  void listen(const net::SocketPtr& s, bool data, bool after) {
    namespace ev = net::events;
    s->on(ev::connect, [this, after] { note("connect", after); });
    s->on(ev::ready, [this, after] { note("ready", after); });
    s->on(ev::end, [this, after] { note("end", after); });
    s->on(ev::finish, [this, after] { note("finish", after); });
    s->on(ev::drain, [this, after] { note("drain", after); });
    s->on(ev::timeout, [this, after] { note("timeout", after); });
    s->on(ev::error, [this, after](const Error& e) {
      if (!after) errors.push_back(e);
      note("error:" + e.code, after);
    });
    if (data)
      s->on(ev::data, [this, after](BufferView chunk) {
        if (!after) data_bytes += chunk.size();
        if (after) late.push_back("data");
      });
    std::weak_ptr<net::Socket> weak = s;
    s->on(ev::close, [this, after, weak, data](bool hadError) {
      if (after) {
        late.push_back("close");
        return;
      }
      log.push_back(hadError ? "close:true" : "close:false");
      had_error = hadError;
      if (++closes > 1) return;
      if (auto socket = weak.lock())
        asio::post(socket->loop().context(), [this, weak, data] {
          if (auto again = weak.lock()) listen(again, data, true);
        });
    });
  }
};

}  // namespace berth::reliability
