#include "berth/buffer.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <cstddef>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

using berth::Buffer;
using berth::BufferView;
using berth::Encoding;

// Expected values in this file were checked against node v20's Buffer.

static_assert(std::is_trivially_copyable_v<BufferView>);
static_assert(std::ranges::contiguous_range<BufferView>);
static_assert(std::ranges::borrowed_range<BufferView>);
static_assert(std::ranges::contiguous_range<Buffer>);
static_assert(std::is_convertible_v<const Buffer&, BufferView>);
static_assert(std::is_convertible_v<std::string_view, BufferView>);
static_assert(std::is_convertible_v<const std::string&, BufferView>);
static_assert(std::is_convertible_v<const char*, BufferView>);
static_assert(std::is_convertible_v<std::span<const std::byte>, BufferView>);
static_assert(std::is_convertible_v<std::span<const unsigned char>, BufferView>);
static_assert(std::is_convertible_v<const std::vector<std::uint8_t>&, BufferView>);
static_assert(std::is_convertible_v<BufferView, std::string_view>);
static_assert(std::is_convertible_v<BufferView, std::span<const std::byte>>);
static_assert(std::is_convertible_v<BufferView, std::span<const std::uint8_t>>);
static_assert(std::is_convertible_v<const Buffer&, std::span<const std::byte>>);
static_assert(std::is_convertible_v<const Buffer&, std::span<const std::uint8_t>>);
static_assert(!std::is_convertible_v<BufferView, Buffer>, "copying bytes is spelled out");
static_assert(!std::is_convertible_v<std::vector<int>, BufferView>);

TEST_CASE("Buffer::from(text) encodes the text", "[buffer]") {
  CHECK(Buffer::from("h\xE2\x82\xAC").length() == 4);
  CHECK(Buffer::from("4oKs", Encoding::base64) == "\xE2\x82\xAC");
  CHECK(Buffer::from("6869", Encoding::hex) == "hi");
  CHECK(Buffer::from(std::string("abc")).toString() == "abc");
}

TEST_CASE("Buffer::from(bytes) copies a span, a vector or another buffer", "[buffer]") {
  const std::array<std::byte, 2> raw{std::byte{0x68}, std::byte{0x69}};
  const std::vector<std::uint8_t> vec{0x68, 0x69};
  Buffer a = Buffer::from(std::span<const std::byte>(raw));
  Buffer b = Buffer::from(vec);
  Buffer c = Buffer::from(a);
  CHECK(a == "hi");
  CHECK(b == "hi");
  CHECK(c == "hi");
  c[0] = 'H';
  CHECK(a == "hi");
}

TEST_CASE("Buffer::alloc gives zero-filled or filled bytes", "[buffer]") {
  CHECK(Buffer::alloc(3) == std::string_view("\0\0\0", 3));
  CHECK(Buffer::alloc(3, 0x61).toString() == "aaa");
  CHECK(Buffer::alloc(0).empty());
}

TEST_CASE("Buffer::concat joins the bytes of each element in order", "[buffer]") {
  CHECK(Buffer::concat({Buffer::from("ab"), Buffer(), "cd"}) == "abcd");
  std::vector<Buffer> parts;
  parts.push_back(Buffer::from("x"));
  parts.push_back(Buffer::from("yz"));
  CHECK(Buffer::concat(parts) == "xyz");
  CHECK(Buffer::concat(std::vector<BufferView>{}).length() == 0);
}

TEST_CASE("Buffer indexes, iterates and mutates its bytes", "[buffer]") {
  Buffer buf = Buffer::from("abc");
  CHECK(buf.size() == 3);
  CHECK(buf[0] == 'a');
  buf[1] = 'B';
  for (std::uint8_t& b : buf) ++b;
  CHECK(buf == "bCd");
  CHECK(*buf.data() == 'b');
}

TEST_CASE("Buffer(view) copies the bytes so they outlive the view", "[buffer]") {
  std::string source = "transient";
  Buffer kept{BufferView(source)};
  source.assign("overwritten");
  CHECK(kept == "transient");
}

TEST_CASE("toString decodes a range, clamped as Node clamps it", "[buffer]") {
  const Buffer buf = Buffer::from("hello");
  CHECK(buf.toString(Encoding::utf8, 1, 3) == "el");
  CHECK(buf.toString(Encoding::utf8, 3, 1) == "");
  CHECK(buf.toString(Encoding::utf8, -5, 100) == "hello");
  CHECK(buf.toString(Encoding::utf8, 0, -1) == "");
  CHECK(buf.toString(Encoding::hex, 1) == "656c6c6f");
  CHECK(Buffer::from("\xE2\x82\xAC").toString(Encoding::base64) == "4oKs");
}

TEST_CASE("subarray views part of the same memory, negative indices counting from the end",
          "[buffer]") {
  Buffer buf = Buffer::from("hello");
  CHECK(buf.subarray(-3) == "llo");
  CHECK(buf.subarray(1, -1) == "ell");
  CHECK(buf.subarray(3, 1).empty());
  CHECK(buf.subarray(-100, 2) == "he");
  CHECK(buf.subarray(2, 100) == "llo");
  BufferView tail = buf.subarray(3);
  CHECK(tail.data() == buf.data() + 3);
  buf[4] = '!';
  CHECK(tail == "l!");
  CHECK(tail.subarray(1) == "!");
}

TEST_CASE("equals, compare and == compare bytes", "[buffer]") {
  CHECK(Buffer::from("abc").equals("abc"));
  CHECK_FALSE(Buffer::from("abc").equals("ab"));
  CHECK(Buffer::from("abc").compare("abd") == -1);
  CHECK(Buffer::from("abc").compare("ab") == 1);
  CHECK(Buffer::from("ab").compare("abc") == -1);
  CHECK(Buffer().compare("") == 0);
  CHECK(Buffer::from("abc") == Buffer::from("abc"));
  CHECK(Buffer::from("abc") != Buffer::from("abd"));
  CHECK("abc" == Buffer::from("abc"));
  CHECK(BufferView("abc") == std::string("abc"));
  CHECK(BufferView("abc") == std::string_view("abc"));
}

TEST_CASE("BufferView views strings, spans and buffers without copying", "[buffer]") {
  const std::string text = "bytes";
  const BufferView from_string = text;
  CHECK(static_cast<const void*>(from_string.data()) == static_cast<const void*>(text.data()));

  const BufferView from_literal = "abc";
  CHECK(from_literal.length() == 3);  // no terminating NUL

  const std::array<unsigned char, 2> uc{0x6f, 0x6b};
  CHECK(BufferView(std::span<const unsigned char>(uc)) == "ok");
  CHECK(BufferView(std::as_bytes(std::span<const unsigned char>(uc))) == "ok");

  const Buffer buf = Buffer::from("owned");
  const BufferView from_buffer = buf;
  CHECK(from_buffer.data() == buf.data());
  CHECK(from_buffer.toString() == "owned");
  CHECK(std::string_view(from_buffer) == "owned");
  CHECK(std::string(from_buffer) == "owned");
}

TEST_CASE("BufferView converts to spans of the same bytes", "[buffer]") {
  const Buffer buf = Buffer::from("ab");
  const std::span<const std::byte> bytes = BufferView(buf);
  const std::span<const std::uint8_t> octets = buf;
  CHECK(bytes.size() == 2);
  CHECK(bytes[1] == std::byte{'b'});
  CHECK(octets.data() == buf.data());
}

TEST_CASE("a default BufferView is empty and decodes to an empty string", "[buffer]") {
  const BufferView empty;
  CHECK(empty.empty());
  CHECK(empty.toString(Encoding::base64).empty());
  CHECK(empty == "");
  CHECK(empty.subarray(1).empty());
}

TEST_CASE("Buffer::byteLength and Buffer::isEncoding are Node's", "[buffer]") {
  CHECK(Buffer::byteLength("\xE2\x82\xAC") == 3);
  CHECK(Buffer::byteLength("\xE2\x82\xAC", Encoding::utf16le) == 2);
  CHECK(Buffer::isEncoding("UCS-2"));
  CHECK_FALSE(Buffer::isEncoding("utf16"));
}
