// Which spellings a compiler gets wrong: an aggregate temporary in a statement that
// also has a co_await. Plain Asio, no berth. Each case runs in its own process:
//   ./aggregate_temporaries N   (prints "ok N" when case N survived, "n/a N" when this
//                                compiler does not accept its spelling; no argument
//                                lists the cases)
// test/compiler/run.sh builds it with each compiler it finds and prints the table
// README.md's "Compiler notes" summarise. g++ 11 and 12 abort ("double free") on the
// cases marked CRASHES; clang and g++ 13 run them all.
#include <asio.hpp>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

namespace {

// An aggregate like berth::ConnectOptions: no constructors, members that own memory.
struct Opts {
  int port = 0;
  std::string host = "a host name longer than std::string's inline buffer";
  std::optional<std::string> path{};
};
struct Result {
  std::string text;
};
struct Holder {  // an aggregate that keeps an awaited value
  Result r;
  std::string name;
};
struct Pair {
  int a;
  std::string b;
};
struct Triv {  // an aggregate whose members have trivial destructors
  int port = 0;
  int family = 0;
};
class Named {  // a class with a constructor: not an aggregate
 public:
  Named(Result r, std::string n) : r_(std::move(r)), n_(std::move(n)) {}
  std::size_t size() const { return r_.text.size() + n_.size(); }
 private:
  Result r_;
  std::string n_;
};

asio::awaitable<void> suspend() {  // a real suspension: back through the io_context
  co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
}
asio::awaitable<Result> fetch(Opts o) {
  co_await suspend();
  co_return Result{o.host + ":" + std::to_string(o.port)};
}
asio::awaitable<Result> fetch_host(std::string host, int port) {
  co_await suspend();
  co_return Result{host + ":" + std::to_string(port)};
}
asio::awaitable<int> fetch_int() {
  co_await suspend();
  co_return 7;
}
asio::awaitable<int> fetch_triv(Triv t) {
  co_await suspend();
  co_return t.port;
}
Opts make_opts(int p) { return Opts{.port = p}; }
std::size_t use(const Opts& o, int n) { return o.host.size() + static_cast<std::size_t>(n); }
const std::string long_name = "a host name longer than std::string's inline buffer";

struct Case {
  const char* spelling;
  asio::awaitable<std::size_t> (*run)(int p);
};

// The table of cases. Keep the spelling text identical to the code.
#define CASE(text, ...) \
  Case { text, [](int p) -> asio::awaitable<std::size_t> { (void)p; __VA_ARGS__ } }
const Case cases[] = {
    // CRASHES on g++ < 13: a braced aggregate argument to the awaited call.
    CASE("co_await fetch({.port = p})", auto r = co_await fetch({.port = p}); co_return r.text.size();),
    CASE("co_await fetch(Opts{.port = p})", auto r = co_await fetch(Opts{.port = p}); co_return r.text.size();),
    CASE("co_await fetch({})", auto r = co_await fetch({}); co_return r.text.size();),
    // CRASHES: an aggregate initialised with a co_await among its initialisers.
    CASE("Holder h{co_await fetch(o), \"x\"}",
         Opts o{.port = p}; Holder h{co_await fetch(o), "x"}; co_return h.r.text.size();),
    CASE("Holder h{co_await fetch(o)}", Opts o{.port = p}; Holder h{co_await fetch(o)}; co_return h.r.text.size();),
    CASE("auto h = Holder{co_await fetch(o), \"x\"}",
         Opts o{.port = p}; auto h = Holder{co_await fetch(o), "x"}; co_return h.r.text.size();),
    CASE("Pair q{co_await fetch_int(), long_name}", Pair q{co_await fetch_int(), long_name}; co_return q.b.size();),
#if defined(__cpp_aggregate_paren_init)  // clang has it from 16
    CASE("Holder h(co_await fetch(o), \"x\")  [C++20 parenthesised aggregate init]",
         Opts o{.port = p}; Holder h(co_await fetch(o), "x"); co_return h.r.text.size();),
#else
    Case{"Holder h(co_await fetch(o), \"x\")  [C++20 parenthesised aggregate init]", nullptr},
#endif
    // CRASHES: an aggregate temporary anywhere in a statement with a co_await.
    CASE("use(Opts{.port = p}, co_await fetch_int())", co_return use(Opts{.port = p}, co_await fetch_int());),
    // Safe everywhere.
    CASE("Opts o{...}; co_await fetch(o)", Opts o{.port = p}; auto r = co_await fetch(o); co_return r.text.size();),
    CASE("Opts o{...}; co_await fetch(std::move(o))",
         Opts o{.port = p}; auto r = co_await fetch(std::move(o)); co_return r.text.size();),
    CASE("co_await fetch(make_opts(p))", auto r = co_await fetch(make_opts(p)); co_return r.text.size();),
    CASE("co_await fetch(Opts(o))  [a copy, not aggregate init]",
         Opts o{.port = p}; auto r = co_await fetch(Opts(o)); co_return r.text.size();),
    CASE("co_await fetch_host(std::string(long_name), p)",
         auto r = co_await fetch_host(std::string(long_name), p); co_return r.text.size();),
    CASE("co_await fetch_host(\"literal\", p)", auto r = co_await fetch_host("a literal host name past the inline buffer", p); co_return r.text.size();),
    CASE("co_await fetch_triv({.port = p})  [trivially destructible members]",
         co_return static_cast<std::size_t>(co_await fetch_triv({.port = p}));),
    CASE("auto r = co_await fetch(o); Holder h{std::move(r), \"x\"}",
         Opts o{.port = p}; auto r = co_await fetch(o); Holder h{std::move(r), "x"}; co_return h.r.text.size();),
    CASE("Named n{co_await fetch(o), \"x\"}  [a class with a constructor]",
         Opts o{.port = p}; Named n{co_await fetch(o), "x"}; co_return n.size();),
    CASE("auto aw = fetch({.port = p}); co_await std::move(aw)",
         auto aw = fetch({.port = p}); auto r = co_await std::move(aw); co_return r.text.size();),
};
#undef CASE
constexpr int n_cases = static_cast<int>(sizeof(cases) / sizeof(cases[0]));

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    for (int i = 0; i < n_cases; ++i) std::printf("%d\t%s\n", i + 1, cases[i].spelling);
    return 0;
  }
  int which = std::atoi(argv[1]);
  if (which < 1 || which > n_cases) return 2;
  if (!cases[which - 1].run) {  // a spelling this compiler does not accept
    std::printf("n/a %d\n", which);
    return 0;
  }
  asio::io_context io;
  std::size_t size = 0;
  asio::co_spawn(io, cases[which - 1].run(80), [&](std::exception_ptr e, std::size_t n) {
    if (e) std::abort();
    size = n;
  });
  io.run();
  std::printf("ok %d (%zu)\n", which, size);
}
