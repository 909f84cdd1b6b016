#include "berth/tls/stream.hpp"

#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/buffer.hpp>
#include <asio/post.hpp>
#include <asio/redirect_error.hpp>
#include <asio/steady_timer.hpp>
#include <cstring>
#include <exception>
#include <utility>
#include <vector>
#include <asio/ssl/error.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include "berth/tls/connect.hpp"
#include "certificate.hpp"
#include "openssl_error.hpp"
#include "secure_context_state.hpp"

namespace berth::tls {
namespace detail {

// An SNICallback's answer, shared with the `done` it was given (which may outlive the
// stream). The handshake waits on `timer` (never expiring) until `done` cancels it.
struct SniWait {
  explicit SniWait(const asio::any_io_executor& executor)
      : timer(executor, asio::steady_timer::time_point::max()) {}
  enum class Phase { ask, waiting, done } phase = Phase::ask;
  asio::steady_timer timer;
  int answers = 0;
  Error error;
  std::optional<SecureContext> context;
};

int ex_data_index();

// The connection as asio::ssl reads it: bytes received before TLS took it over
// (Stream::receive) first, then the socket.
class ReceivedFirst {
 public:
  using socket_type = berth::Stream::socket_type;
  using lowest_layer_type = socket_type::lowest_layer_type;
  using executor_type = socket_type::executor_type;

  explicit ReceivedFirst(socket_type& socket) : socket_(&socket) {}

  executor_type get_executor() { return socket_->get_executor(); }
  lowest_layer_type& lowest_layer() { return socket_->lowest_layer(); }
  const lowest_layer_type& lowest_layer() const { return socket_->lowest_layer(); }

  void receive(BufferView bytes) { received_.insert(received_.end(), bytes.begin(), bytes.end()); }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& buffers) {
          if (received_.empty()) {
            socket_->async_read_some(buffers, std::move(handler));
            return;
          }
          const std::size_t n = asio::buffer_copy(buffers, asio::buffer(received_));
          received_.erase(received_.begin(), received_.begin() + static_cast<std::ptrdiff_t>(n));
          auto executor = asio::get_associated_executor(handler, socket_->get_executor());
          asio::post(executor, [handler = std::move(handler), n]() mutable { std::move(handler)(std::error_code{}, n); });
        },
        token, buffers);
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return socket_->async_write_some(buffers, std::forward<Token>(token));
  }

 private:
  socket_type* socket_;
  std::vector<std::uint8_t> received_;
};

struct TlsStreamState {
  TlsStreamState(berth::Stream&& s, const SecureContext& c)
      : owned(std::move(s)), stream(owned), context(c.state()), ssl(stream.socket(), context->context) {
    SSL_set_ex_data(ssl.native_handle(), ex_data_index(), this);
  }
  TlsStreamState(berth::Stream& s, const SecureContext& c)
      : owned(s.get_executor()), stream(s), context(c.state()), ssl(stream.socket(), context->context) {
    SSL_set_ex_data(ssl.native_handle(), ex_data_index(), this);
  }
  ~TlsStreamState();
  TlsStreamState(const TlsStreamState&) = delete;
  TlsStreamState& operator=(const TlsStreamState&) = delete;

  berth::Stream owned;     // the stream, unless borrowed
  berth::Stream& stream;   // owned, or the borrowed one
  std::shared_ptr<SecureContextState> context;
  asio::ssl::stream<ReceivedFirst> ssl;
  Role role = Role::client;
  bool authorized = false;
  std::string authorization_error;
  std::string servername;  // what a client sent
  bool at_end = false;     // the peer's close_notify (or FIN) has been read
  std::function<void(BufferView)> keylog;  // set_keylog's callback
  SNICallbackFunction sni_callback;         // a server's SNICallback, during its handshake
  std::shared_ptr<SniWait> sni;
  std::optional<SecureContext> sni_context;  // the context an SNICallback chose, kept alive

  // The peer's certificate is judged when OpenSSL reports the handshake done (see
  // on_handshake_done), with what handshake() was given.
  const HandshakeOptions* handshake_options = nullptr;  // during handshake()
  std::string verify_host;
  bool reject = false;
  bool judged = false;
  Error verify_error;
  std::exception_ptr judge_exception;  // a throwing checkServerIdentity

  // The last OpenSSL error caught while still queued, for Node's message (asio's engine
  // keeps only the packed code).
  QueuedError queued_error;
};

// A fatal alert from the peer: OpenSSL queues its error after the info callback has
// seen the alert, and the only callback after that is the remove-session one (the
// session is dropped from the cache). The stream that read the alert waits there.
struct AlertReader {
  TlsStreamState* stream = nullptr;
  SSL_SESSION* session = nullptr;
};
thread_local AlertReader alert_reader;

void on_session_removed(SSL_CTX*, SSL_SESSION* session) {
  if (!alert_reader.stream || alert_reader.session != session) return;
  QueuedError queued = peek_queued_error();
  if (queued.packed != 0) alert_reader.stream->queued_error = std::move(queued);
  alert_reader = {};
}

TlsStreamState::~TlsStreamState() {
  if (alert_reader.stream == this) alert_reader = {};
}

// The SSL's ex_data slot holding its TlsStreamState (the state never moves).
int ex_data_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

}  // namespace detail

namespace {

// Node's VerifyCallback: accept whatever OpenSSL thinks and decide after the
// handshake, from SSL_get_verify_result.
int accept_and_verify_later(int, X509_STORE_CTX*) { return 1; }

// Node's VerifyPeerCertificate: the verify result when the peer sent a certificate;
// without one, OK for PSK or a resumed TLS 1.3 session, else `otherwise`.
long verify_result(SSL* ssl, long otherwise) {
  if (X509* peer = SSL_get0_peer_certificate(ssl)) {
    (void)peer;
    return SSL_get_verify_result(ssl);
  }
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl);
  const SSL_SESSION* session = SSL_get_session(ssl);
  if ((cipher && SSL_CIPHER_get_auth_nid(cipher) == NID_auth_psk) ||
      (session && SSL_SESSION_get_protocol_version(session) == TLS1_3_VERSION && SSL_session_reused(ssl)))
    return X509_V_OK;
  return otherwise;
}

bool is_end(const std::error_code& ec) {
  return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
}

// An operation's error. OpenSSL's carries Node's message (ERR_print_errors' line) when
// the info callback caught the error while it was queued, else ERR_error_string's.
Error io_error(detail::TlsStreamState& s, const std::error_code& ec, const char* syscall) {
  if (!detail::is_openssl_error(ec)) return Error::from_system(ec, syscall);
  const auto packed = static_cast<unsigned long>(ec.value());
  if (s.queued_error.packed == packed && !s.queued_error.line.empty())
    return detail::openssl_error(packed, std::move(s.queued_error.line));
  return detail::openssl_error(packed);
}

void set_io_error(detail::TlsStreamState& s, Error& error, const std::error_code& ec, const char* syscall) {
  if (ec) error = io_error(s, ec, syscall);
  else if (error) error = Error{};
}

// Node's verification of the peer (onConnectSecure / onServerSocketSecure): the
// verify result, then for a client the name (checkServerIdentity).
Error judge_peer(detail::TlsStreamState& s) {
  SSL* ssl = s.ssl.native_handle();
  long result = verify_result(ssl, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT);
  if (result != X509_V_OK) return detail::x509_error(result);
  if (s.role != Role::client || SSL_session_reused(ssl)) return Error{};
  PeerCertificate peer = detail::to_peer_certificate(SSL_get0_peer_certificate(ssl));
  if (s.handshake_options && s.handshake_options->checkServerIdentity)
    return s.handshake_options->checkServerIdentity(s.verify_host, peer);
  return checkServerIdentity(s.verify_host, peer);
}

// SSL_CB_HANDSHAKE_DONE: Node judges the peer inside OpenSSL's handshake-done callback
// and a rejecting side destroys its socket there, so what the handshake's last step
// wrote is never sent (a TLS 1.3 client's Finished, a server's session tickets): the
// peer sees the connection end mid-handshake. berth judges at the same point and drops
// that output (BIO_reset on the engine's BIO pair) when it rejects.
void on_handshake_done(detail::TlsStreamState& s, SSL* ssl) {
  if (s.judged) return;  // a TLS 1.2 renegotiation
  s.judged = true;
  if (s.role == Role::server && !s.context->requestCert) return;
  try {
    s.verify_error = judge_peer(s);
  } catch (...) {
    s.judge_exception = std::current_exception();
    return;
  }
  if (s.verify_error && s.reject) (void)BIO_reset(SSL_get_wbio(ssl));
}

// OpenSSL's info callback: the handshake's end, and the errors of failed operations while
// they are still on the queue (a fatal alert this side sends follows its error; a
// handshake step that fails exits with it queued).
void info_callback(const SSL* ssl, int where, int ret) {
  auto* s = static_cast<detail::TlsStreamState*>(SSL_get_ex_data(ssl, detail::ex_data_index()));
  if (!s) return;
  if (where & SSL_CB_HANDSHAKE_DONE) {
    on_handshake_done(*s, const_cast<SSL*>(ssl));
  } else if ((where & SSL_CB_READ_ALERT) == SSL_CB_READ_ALERT) {
    const int description = ret & 0xff;
    // Fatal: the level says so, or in TLS 1.3 any alert but these two.
    const bool fatal = (ret >> 8) == SSL3_AL_FATAL ||
                       (SSL_version(ssl) == TLS1_3_VERSION && description != SSL_AD_CLOSE_NOTIFY &&
                        description != SSL_AD_USER_CANCELLED);
    if (!fatal) return;
    // OpenSSL removes a session only if it has an id; a TLS 1.3 client's has none until
    // a ticket arrives. The session dies with the connection, so a placeholder id costs
    // nothing.
    SSL_SESSION* session = SSL_get_session(ssl);
    if (!session) return;
    unsigned int id_length = 0;
    SSL_SESSION_get_id(session, &id_length);
    static const unsigned char placeholder_id[] = {0xbe, 0x27, 0x4};
    if (id_length == 0) SSL_SESSION_set1_id(session, placeholder_id, sizeof placeholder_id);
    detail::alert_reader = {s, session};
  } else if ((where & SSL_CB_WRITE_ALERT) == SSL_CB_WRITE_ALERT || ((where & SSL_CB_EXIT) && ret <= 0)) {
    if ((where & SSL_CB_ALERT) && (ret >> 8) != SSL3_AL_FATAL) return;
    detail::QueuedError queued = detail::peek_queued_error();
    if (queued.packed != 0) s->queued_error = std::move(queued);
  }
}


// OpenSSL's keylog callback (installed on the SSL_CTX): the line, with Node's '\n', to
// the stream's callback if it has one.
void keylog_line(const SSL* ssl, const char* line) {
  auto* s = static_cast<detail::TlsStreamState*>(SSL_get_ex_data(ssl, detail::ex_data_index()));
  if (!s || !s->keylog || !line) return;
  std::string text(line);
  text += '\n';
  auto callback = s->keylog;  // the callback may replace it
  callback(BufferView(text));
}

// Node's UseSNIContext and SetCACerts: the chosen context's certificate, key and chain,
// and its CAs (the verify store and the names a CertificateRequest lists).
Error use_sni_context(SSL* ssl, const SecureContext& context) {
  SSL_CTX* ctx = context.native().native_handle();
  X509* cert = SSL_CTX_get0_certificate(ctx);
  EVP_PKEY* key = SSL_CTX_get0_privatekey(ctx);
  STACK_OF(X509)* chain = nullptr;
  ERR_clear_error();
  int ok = SSL_CTX_get0_chain_certs(ctx, &chain);
  if (ok == 1 && cert) ok = SSL_use_certificate(ssl, cert);
  if (ok == 1 && key) ok = SSL_use_PrivateKey(ssl, key);
  if (ok == 1 && chain) ok = SSL_set1_chain(ssl, chain);
  if (ok == 1) ok = SSL_set1_verify_cert_store(ssl, SSL_CTX_get_cert_store(ctx));
  if (ok != 1) return detail::take_openssl_error("ERR_CRYPTO_OPERATION_FAILED", "SNI context");
  SSL_set_client_CA_list(ssl, SSL_dup_CA_list(SSL_CTX_get_client_CA_list(ctx)));
  return Error{};
}

// Node's oncertcb (TLSWrap::SSLCertCallback, loadSNI): OpenSSL calls it once the
// ClientHello is read. The first call asks the SNICallback; an answer given at once is
// used at once; otherwise -1 suspends the handshake (SSL_ERROR_WANT_X509_LOOKUP, which
// asio reports as unexpected_result) until handshake() has the answer and retries, when
// OpenSSL calls this again. An error also suspends it: handshake() then closes the
// connection without an alert, as Node's destroy(err) does.
int sni_cert_callback(SSL* ssl, void* arg) {
  auto& s = *static_cast<detail::TlsStreamState*>(arg);
  if (!s.sni || !s.sni_callback) return 1;
  auto& wait = *s.sni;
  if (wait.phase == detail::SniWait::Phase::done) return 1;
  if (wait.phase == detail::SniWait::Phase::waiting) return -1;
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  if (!name || !*name) {
    wait.phase = detail::SniWait::Phase::done;  // no SNI: Node does not call it
    return 1;
  }
  wait.phase = detail::SniWait::Phase::waiting;
  SNIDone done = [shared = s.sni](const Error& error, std::optional<SecureContext> context) {
    auto& w = *shared;
    if (w.phase == detail::SniWait::Phase::done) return;
    if (++w.answers == 1) {
      w.error = error;
      if (context && *context) w.context = std::move(context);
    } else if (!w.error) {
      w.error = Error("ERR_MULTIPLE_CALLBACK", "Callback called multiple times");
    }
    w.timer.cancel();
  };
  try {
    s.sni_callback(name, std::move(done));
  } catch (const Error& e) {
    if (!wait.error) wait.error = e;
    ++wait.answers;
  } catch (const std::exception& e) {
    if (!wait.error) wait.error = Error("ERR_TLS_SNI_CALLBACK_THREW", e.what());
    ++wait.answers;
  } catch (...) {  // nothing may cross OpenSSL's C frames
    if (!wait.error) wait.error = Error("ERR_TLS_SNI_CALLBACK_THREW", "SNICallback threw");
    ++wait.answers;
  }
  if (wait.answers == 0 || wait.error) return -1;
  if (wait.context) wait.error = use_sni_context(ssl, *wait.context);
  if (wait.error) return -1;
  s.sni_context = std::move(wait.context);
  wait.phase = detail::SniWait::Phase::done;
  return 1;
}

// Waits for the SNICallback's answer; returns early when the socket is closed under the
// handshake (destroy() from elsewhere), which completes the error wait.
asio::awaitable<void> await_sni_answer(detail::TlsStreamState& s) {
  auto wait = s.sni;
  if (wait->answers > 0) co_return;
  auto& socket = s.stream.socket();
  socket.async_wait(berth::Stream::socket_type::wait_error, [wait](const std::error_code&) { wait->timer.cancel(); });
  std::error_code ec;
  {
    auto pending = s.stream.request();  // a handshake in progress keeps the loop alive
    co_await wait->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (socket.is_open()) socket.cancel(ec);  // the error wait
}

}  // namespace

void Stream::set_keylog(std::function<void(BufferView line)> callback) {
  auto& s = *state_;
  s.keylog = std::move(callback);
  if (!s.keylog || s.context->keylog_installed.exchange(true)) return;
  SSL_CTX_set_keylog_callback(s.context->context.native_handle(), keylog_line);
}

Stream::Stream(berth::Stream&& stream, const SecureContext& context)
    : state_(std::make_unique<detail::TlsStreamState>(std::move(stream), context)) {}
Stream::Stream(berth::Stream& stream, const SecureContext& context, Borrow)
    : state_(std::make_unique<detail::TlsStreamState>(stream, context)) {}
Stream::Stream(Stream&&) noexcept = default;
Stream& Stream::operator=(Stream&&) noexcept = default;
Stream::~Stream() = default;

asio::awaitable<void> Stream::handshake(Role role) {
  HandshakeOptions options;
  Error error;
  co_await handshake(role, options, error);
  if (error) throw error;
}

asio::awaitable<void> Stream::handshake(Role role, Error& error) {
  HandshakeOptions options;
  co_await handshake(role, options, error);
}

asio::awaitable<void> Stream::handshake(Role role, const HandshakeOptions& options) {
  Error error;
  co_await handshake(role, options, error);
  if (error) throw error;
}

asio::awaitable<void> Stream::handshake(Role role, const HandshakeOptions& options, Error& error) {
  error = Error{};
  auto& s = *state_;
  s.role = role;
  SSL* ssl = s.ssl.native_handle();
  const bool reject = options.rejectUnauthorized.value_or(s.context->rejectUnauthorized);
  // What the certificate is checked against, and who the error names (Node: options.host).
  std::string host = options.servername && !options.servername->empty() ? *options.servername
                     : options.host && !options.host->empty()           ? *options.host
                                                                        : std::string("localhost");
  s.handshake_options = &options;
  s.verify_host = host;
  s.reject = reject;
  s.judged = false;
  s.verify_error = Error{};
  SSL_set_info_callback(ssl, info_callback);
  if (role == Role::client) {
    SSL_set_verify(ssl, SSL_VERIFY_PEER, accept_and_verify_later);
    if (options.servername && !options.servername->empty()) {
      SSL_set_tlsext_host_name(ssl, options.servername->c_str());
      s.servername = *options.servername;
    }
    if (options.session && options.session->size() > 0) {
      const unsigned char* der = options.session->data();
      if (SSL_SESSION* session = d2i_SSL_SESSION(nullptr, &der, static_cast<long>(options.session->size()))) {
        SSL_set_session(ssl, session);
        SSL_SESSION_free(session);
      }
    }
  } else {
    int mode = SSL_VERIFY_NONE;
    if (s.context->requestCert) mode = SSL_VERIFY_PEER | (reject ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0);
    SSL_set_verify(ssl, mode, accept_and_verify_later);
    if (options.SNICallback) {
      s.sni_callback = options.SNICallback;
      s.sni = std::make_shared<detail::SniWait>(s.stream.get_executor());
      SSL_set_cert_cb(ssl, sni_cert_callback, &s);
    }
  }

  std::error_code ec;
  for (;;) {
    {
      // A handshake in progress keeps the loop alive, as a pending write does.
      auto pending = s.stream.request();
      co_await s.ssl.async_handshake(
          role == Role::client ? asio::ssl::stream_base::client : asio::ssl::stream_base::server,
          asio::redirect_error(asio::use_awaitable, ec));
    }
    // Suspended by sni_cert_callback: wait for the SNICallback's answer, then go on.
    if (!s.sni || s.sni->phase != detail::SniWait::Phase::waiting || ec != asio::ssl::error::unexpected_result) break;
    co_await await_sni_answer(s);
    auto& wait = *s.sni;
    if (!wait.error && !s.stream.socket().is_open()) {
      // destroy() while the callback had not answered (Node: ERR_SOCKET_CLOSED at its answer).
      wait.error = Error("ERR_SOCKET_CLOSED", "Socket is closed");
    }
    if (!wait.error && wait.answers > 0 && wait.context) wait.error = use_sni_context(ssl, *wait.context);
    if (wait.error) {
      // Node's destroy(err): the connection closes without an alert.
      error = wait.error;
      wait.phase = detail::SniWait::Phase::done;
      s.sni_callback = nullptr;
      s.stream.close();
      co_return;
    }
    s.sni_context = std::move(wait.context);
    wait.phase = detail::SniWait::Phase::done;
    ec.clear();
  }
  if (s.sni) {
    s.sni->phase = detail::SniWait::Phase::done;  // a late answer is ignored
    s.sni_callback = nullptr;                     // what it captured goes now
  }
  if (auto thrown = std::exchange(s.judge_exception, nullptr)) {
    s.stream.close();
    std::rethrow_exception(thrown);
  }
  if (ec) {
    if (is_end(ec)) {
      // Node's ConnResetException: a client names the peer, a server says "socket hang up".
      if (role == Role::client) {
        error = Error("ECONNRESET", "Client network socket disconnected before secure TLS connection was established");
        error.host = options.host.value_or(host);
        if (auto peer = s.stream.remote_address()) error.port = peer->port;
      } else {
        error = Error("ECONNRESET", "socket hang up");
      }
      error.ec = ec;
    } else {
      error = io_error(s, ec, "read");
    }
    s.stream.close();
    co_return;
  }

  // The judgement made at SSL_CB_HANDSHAKE_DONE (on_handshake_done).
  if (role == Role::server && !s.context->requestCert) co_return;  // authorized false, no error, as Node
  if (!s.judged) {
    s.judged = true;
    s.verify_error = judge_peer(s);
  }
  s.handshake_options = nullptr;  // `options` may not outlive this call
  Error verify_error = std::move(s.verify_error);
  if (!verify_error) {
    s.authorized = true;
    co_return;
  }
  s.authorization_error = verify_error.code;
  if (reject) {
    error = std::move(verify_error);
    s.stream.close();  // Node destroys the socket
  }
}

asio::awaitable<std::size_t> Stream::read_some(asio::mutable_buffer buffer) {
  Error error;
  std::size_t n = co_await read_some(buffer, error);
  if (error) throw error;
  co_return n;
}

asio::awaitable<std::size_t> Stream::read_some(asio::mutable_buffer buffer, Error& error) {
  auto& s = *state_;
  if (s.at_end) {
    if (error) error = Error{};
    co_return 0;
  }
  std::error_code ec;
  s.stream.set_reading(true);
  std::size_t n = co_await s.ssl.async_read_some(buffer, asio::redirect_error(asio::use_awaitable, ec));
  s.stream.set_reading(false);
  if (is_end(ec)) {
    // close_notify, or a FIN without one: Node ends the stream either way.
    s.at_end = true;
    ec.clear();
    n = 0;
  }
  set_io_error(s, error, ec, "read");
  co_return n;
}

asio::awaitable<std::size_t> Stream::write(asio::const_buffer buffer) {
  Error error;
  std::size_t n = co_await write(buffer, error);
  if (error) throw error;
  co_return n;
}

asio::awaitable<std::size_t> Stream::write(asio::const_buffer buffer, Error& error) {
  auto& s = *state_;
  std::error_code ec;
  auto pending = s.stream.request();  // a write keeps the loop alive, ref'd or not
  std::size_t n = co_await asio::async_write(s.ssl, buffer, asio::redirect_error(asio::use_awaitable, ec));
  set_io_error(s, error, ec, "write");
  co_return n;
}

asio::awaitable<void> Stream::shutdown() {
  Error error;
  co_await shutdown(error);
  if (error) throw error;
}

asio::awaitable<void> Stream::shutdown(Error& error) {
  auto& s = *state_;
  SSL* ssl = s.ssl.native_handle();
  std::error_code ec;
  auto pending = s.stream.request();
  // asio's async_shutdown sends close_notify and then waits for the peer's; Node's end()
  // only sends it, then the FIN, and goes on reading. Marking the peer's close_notify as
  // received for the one synchronous SSL_shutdown call inside async_shutdown's initiation
  // makes that call complete at once (it only has close_notify to write); the mark is
  // taken off before anything else runs, so a read in flight still sees the peer's data.
  auto token = asio::redirect_error(asio::use_awaitable, ec);
  co_await asio::async_initiate<decltype(token), void(std::error_code)>(
      [&s, ssl](auto handler) {
        const int before = SSL_get_shutdown(ssl);
        const bool had_received = (before & SSL_RECEIVED_SHUTDOWN) != 0;
        if (!had_received) SSL_set_shutdown(ssl, before | SSL_RECEIVED_SHUTDOWN);
        s.ssl.async_shutdown(std::move(handler));
        if (!had_received) SSL_set_shutdown(ssl, SSL_get_shutdown(ssl) & ~SSL_RECEIVED_SHUTDOWN);
      },
      token);
  if (ec) {
    // As Node's DoShutdown, the FIN goes out whatever SSL_shutdown said (e.g. after a
    // fatal alert, when no close_notify can be sent).
    error = io_error(s, ec, "write");
    Error ignored;
    s.stream.shutdown_write(ignored);
    co_return;
  }
  s.stream.shutdown_write(error);
}

void Stream::receive(BufferView bytes) { state_->ssl.next_layer().receive(bytes); }

void Stream::close() noexcept { state_->stream.close(); }

bool Stream::authorized() const noexcept { return state_->authorized; }
const std::string& Stream::authorizationError() const noexcept { return state_->authorization_error; }

std::string Stream::alpnProtocol() const {
  const unsigned char* data = nullptr;
  unsigned int length = 0;
  SSL_get0_alpn_selected(state_->ssl.native_handle(), &data, &length);
  return data ? std::string(reinterpret_cast<const char*>(data), length) : std::string();
}

std::string Stream::servername() const {
  if (state_->role == Role::client) return state_->servername;
  const char* name = SSL_get_servername(state_->ssl.native_handle(), TLSEXT_NAMETYPE_host_name);
  return name ? name : "";
}

std::string Stream::getProtocol() const {
  SSL* ssl = state_->ssl.native_handle();
  if (!SSL_is_init_finished(ssl)) return {};
  return SSL_get_version(ssl);
}

Cipher Stream::getCipher() const {
  Cipher out;
  if (const SSL_CIPHER* cipher = SSL_get_current_cipher(state_->ssl.native_handle())) {
    out.name = SSL_CIPHER_get_name(cipher);
    const char* standard = SSL_CIPHER_standard_name(cipher);
    out.standardName = standard ? standard : out.name;
    out.version = SSL_CIPHER_get_version(cipher);
  }
  return out;
}

PeerCertificate Stream::getPeerCertificate() const {
  return detail::to_peer_certificate(SSL_get0_peer_certificate(state_->ssl.native_handle()));
}

PeerCertificate Stream::getCertificate() const {
  return detail::to_peer_certificate(SSL_get_certificate(state_->ssl.native_handle()));
}

Buffer Stream::getSession() const {
  SSL_SESSION* session = SSL_get1_session(state_->ssl.native_handle());
  if (!session) return Buffer();
  Buffer out;
  if (SSL_SESSION_is_resumable(session)) {
    int n = i2d_SSL_SESSION(session, nullptr);
    if (n > 0) {
      std::vector<std::uint8_t> der(static_cast<std::size_t>(n));
      unsigned char* p = der.data();
      i2d_SSL_SESSION(session, &p);
      out = Buffer(std::move(der));
    }
  }
  SSL_SESSION_free(session);
  return out;
}

bool Stream::isSessionReused() const noexcept { return SSL_session_reused(state_->ssl.native_handle()) == 1; }

berth::Stream& Stream::next_layer() noexcept { return state_->stream; }
asio::any_io_executor Stream::get_executor() noexcept { return state_->stream.get_executor(); }
void* Stream::native_handle() noexcept { return state_->ssl.native_handle(); }

asio::awaitable<Stream> connect(const ConnectOptions& options) {
  Error error;
  Stream stream = co_await connect(options, error);
  if (error) throw error;
  co_return stream;
}

asio::awaitable<Stream> connect(const ConnectOptions& options, Error& error) {
  berth::Stream tcp = co_await berth::connect(options.connect, error);
  Stream stream(std::move(tcp), options.context);
  if (error) co_return stream;
  HandshakeOptions handshake = options.handshake;
  if (!handshake.host && !options.connect.path) handshake.host = options.connect.host;
  co_await stream.handshake(Role::client, handshake, error);
  co_return stream;
}

}  // namespace berth::tls
