/* libuv echo server, a C peer for berth's benchmarks.
 * The plain libuv idiom, shaped like the Asio peer's loop: one loop; each connection owns a
 * 64 KiB buffer; every read is echoed with uv_write, and reading pauses until the write
 * completes. (A uv_try_write fast path, as Node uses, roughly halves the instructions per
 * round trip; this peer stays with the textbook form.)
 * usage: libuv_echo PORT   (listens on 127.0.0.1) */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <uv.h>

enum { BUF_SIZE = 64 * 1024 };

typedef struct {
  uv_tcp_t handle; /* first, so that a uv_handle_t* is also a conn_t* */
  uv_write_t req;
  char buf[BUF_SIZE];
} conn_t;

static void on_close(uv_handle_t *h) { free(h); }

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *out) {
  (void)suggested;
  conn_t *c = (conn_t *)h;
  *out = uv_buf_init(c->buf, BUF_SIZE);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);

static void on_write(uv_write_t *req, int status) {
  conn_t *c = req->data;
  if (status < 0) {
    if (!uv_is_closing((uv_handle_t *)c)) uv_close((uv_handle_t *)c, on_close);
    return;
  }
  uv_read_start((uv_stream_t *)c, on_alloc, on_read);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
  conn_t *c = (conn_t *)s;
  if (nread == 0) return; /* EAGAIN */
  if (nread < 0) {
    uv_close((uv_handle_t *)c, on_close);
    return;
  }
  uv_buf_t b = uv_buf_init(buf->base, (unsigned)nread);
  /* The buffer is ours until the write is done: stop reading till then. */
  uv_read_stop(s);
  c->req.data = c;
  if (uv_write(&c->req, s, &b, 1, on_write) != 0) uv_close((uv_handle_t *)c, on_close);
}

static void on_connection(uv_stream_t *server, int status) {
  if (status < 0) return;
  conn_t *c = malloc(sizeof *c);
  if (!c) return;
  uv_tcp_init(server->loop, &c->handle);
  if (uv_accept(server, (uv_stream_t *)c) != 0) {
    uv_close((uv_handle_t *)c, on_close);
    return;
  }
  uv_read_start((uv_stream_t *)c, on_alloc, on_read);
}

static void on_signal(uv_signal_t *sig, int signum) {
  (void)signum;
  uv_stop(sig->loop);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PORT\n", argv[0]);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN); /* libuv leaves this to the application */
  uv_loop_t *loop = uv_default_loop();
  uv_tcp_t server;
  struct sockaddr_in addr;
  uv_ip4_addr("127.0.0.1", atoi(argv[1]), &addr);
  uv_tcp_init(loop, &server);
  int r = uv_tcp_bind(&server, (const struct sockaddr *)&addr, 0);
  if (r == 0) r = uv_listen((uv_stream_t *)&server, SOMAXCONN, on_connection);
  if (r != 0) {
    fprintf(stderr, "libuv_echo: listen: %s\n", uv_strerror(r));
    return 1;
  }
  uv_signal_t sigint, sigterm;
  uv_signal_init(loop, &sigint);
  uv_signal_init(loop, &sigterm);
  uv_signal_start(&sigint, on_signal, SIGINT);
  uv_signal_start(&sigterm, on_signal, SIGTERM);
  return uv_run(loop, UV_RUN_DEFAULT);
}
