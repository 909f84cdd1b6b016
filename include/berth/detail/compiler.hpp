#pragma once
// Compiler defects berth guards against.
//
// g++ before 13 (GCC bug 99576, fixed for 13.1; tested here: 11.3 and 12.2) destroys an
// aggregate temporary twice when the full-expression that builds it also contains a
// co_await that suspends: a struct without constructors, built with braces (or, in
// C++20, parentheses), whose destructor does something, as in
// `co_await berth::connect({.port = p})` or `Holder h{co_await f(), "x"}`. The program
// aborts ("double free") or corrupts its heap after the coroutine resumes. A named
// variable, a constructor call, or a value returned by a function is not affected.
// README.md, "Compiler notes", has the list.
//
// Where a berth awaitable takes such an aggregate (berth::connect), it refuses on those
// compilers, at compile time, every argument that is not a named variable, with a
// message that says so. BERTH_REJECT_AGGREGATE_TEMPORARIES is 1 there and 0 elsewhere;
// define it to 0 yourself to opt out (e.g. a g++ 12 with the fix backported).

#ifndef BERTH_REJECT_AGGREGATE_TEMPORARIES
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#define BERTH_REJECT_AGGREGATE_TEMPORARIES 1
#else
#define BERTH_REJECT_AGGREGATE_TEMPORARIES 0
#endif
#endif

/// The static_assert text for a berth function `function` that refused a temporary;
/// `example` is the spelling to use instead.
#define BERTH_AGGREGATE_TEMPORARY_MESSAGE(function, example)                                      \
  function ": g++ before 13 destroys an aggregate temporary twice when its statement also has a " \
           "co_await, so this call would crash at run time. On this compiler " function           \
           " takes its options only as a named variable: " example                                 \
           " (every temporary lands here: a braced list, Options{...}, std::move(options), a "     \
           "function's result, as the compiler cannot tell them apart; see README.md, Compiler "   \
           "notes. BERTH_REJECT_AGGREGATE_TEMPORARIES=0 turns this check off)"

namespace berth::detail {
/// False, but only once T is known: a static_assert on it fires when a template is used.
template <class T>
inline constexpr bool always_false = false;
}  // namespace berth::detail
