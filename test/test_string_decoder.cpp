#include "berth/string_decoder.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "berth/buffer.hpp"
#include "berth/error.hpp"

using berth::Buffer;
using berth::BufferView;
using berth::Encoding;
using berth::StringDecoder;

namespace {

// Expected values in this file were checked against node v20's StringDecoder.

const std::string R = "\xEF\xBF\xBD";  // U+FFFD

constexpr Encoding all_encodings[] = {Encoding::utf8,      Encoding::hex,    Encoding::base64,
                                      Encoding::base64url, Encoding::latin1, Encoding::ascii,
                                      Encoding::utf16le};

std::vector<std::uint8_t> bytes_of(std::string_view hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string hex_of(BufferView bytes) { return bytes.toString(Encoding::hex); }

// What a decoder returns for each chunk (given in hex), then what end() returns.
std::vector<std::string> decode_chunks(Encoding enc, std::vector<std::string_view> hex_chunks) {
  StringDecoder decoder(enc);
  std::vector<std::string> out;
  for (std::string_view chunk : hex_chunks) out.push_back(decoder.write(bytes_of(chunk)));
  out.push_back(decoder.end());
  return out;
}

// Feeds `bytes` split at the given offsets and returns the concatenated text.
std::string decode_split(Encoding enc, BufferView bytes, std::vector<std::size_t> cuts) {
  StringDecoder decoder(enc);
  std::string out;
  std::size_t from = 0;
  cuts.push_back(bytes.size());
  for (std::size_t to : cuts) {
    out += decoder.write(bytes.subarray(static_cast<std::ptrdiff_t>(from),
                                        static_cast<std::ptrdiff_t>(to)));
    from = to;
  }
  return out + decoder.end();
}

bool well_formed_utf8(const std::string& s) {
  return berth::decode(BufferView(s), Encoding::utf8) == s;
}

std::optional<std::string> run_node(const std::string& script) {
  char path[] = "/tmp/berth_string_decoder_XXXXXX.js";
  const int fd = mkstemps(path, 3);
  if (fd < 0) return std::nullopt;
  close(fd);
  std::ofstream(path) << script;
  std::optional<std::string> result;
  if (FILE* pipe = popen(("node " + std::string(path) + " 2>/dev/null").c_str(), "r")) {
    std::string output;
    char chunk[4096];
    std::size_t n;
    while ((n = std::fread(chunk, 1, sizeof chunk, pipe)) > 0) output.append(chunk, n);
    if (pclose(pipe) == 0) result = std::move(output);
  }
  std::remove(path);
  return result;
}

}  // namespace

TEST_CASE("a UTF-8 character fed one byte per write comes out whole with its last byte",
          "[string_decoder]") {
  StringDecoder decoder;
  CHECK(decoder.write(bytes_of("e2")) == "");
  CHECK(decoder.write(bytes_of("82")) == "");
  CHECK(decoder.write(bytes_of("ac")) == "\xE2\x82\xAC");
  CHECK(decoder.end() == "");
}

TEST_CASE("a chunk ending inside a character returns the text before it", "[string_decoder]") {
  CHECK(decode_chunks(Encoding::utf8, {"41e282", "ac42"}) ==
        std::vector<std::string>{"A", "\xE2\x82\xAC" "B", ""});
  CHECK(decode_chunks(Encoding::utf8, {"f09f", "98", "8041"}) ==
        std::vector<std::string>{"", "", "\xF0\x9F\x98\x80" "A", ""});
}

TEST_CASE("end() turns an incomplete UTF-8 character into U+FFFD as buf.toString would",
          "[string_decoder]") {
  CHECK(decode_chunks(Encoding::utf8, {"e2", "82"}) == std::vector<std::string>{"", "", R});
  CHECK(decode_chunks(Encoding::utf8, {"41c0"}) == std::vector<std::string>{"A", R});
  // E0 80 cannot begin a character: two replacements, as Buffer.from('e080').toString().
  CHECK(decode_chunks(Encoding::utf8, {"e080"}) == std::vector<std::string>{"", R + R});
}

TEST_CASE("a byte that cannot continue a character ends it as U+FFFD", "[string_decoder]") {
  CHECK(decode_chunks(Encoding::utf8, {"e2", "41"}) == std::vector<std::string>{"", R + "A", ""});
  CHECK(decode_chunks(Encoding::utf8, {"3dd8", "00de"}) ==
        std::vector<std::string>{"=", R + std::string(1, '\0'), R});
}

TEST_CASE("utf16le keeps a surrogate pair whole across writes", "[string_decoder]") {
  // Node returns the halves separately ("\ud83d", "\ude00"), which UTF-8 cannot hold.
  CHECK(decode_chunks(Encoding::utf16le, {"3d", "d8", "00", "de"}) ==
        std::vector<std::string>{"", "", "", "\xF0\x9F\x98\x80", ""});
  CHECK(decode_chunks(Encoding::utf16le, {"3dd800", "de41"}) ==
        std::vector<std::string>{"", "\xF0\x9F\x98\x80", ""});
  CHECK(decode_chunks(Encoding::utf16le, {"4100ac"}) == std::vector<std::string>{"A", ""});
}

TEST_CASE("utf16le end() drops an odd byte and replaces an unpaired high surrogate",
          "[string_decoder]") {
  CHECK(decode_chunks(Encoding::utf16le, {"3dd8"}) == std::vector<std::string>{"", R});
  CHECK(decode_chunks(Encoding::utf16le, {"410042"}) == std::vector<std::string>{"A", ""});
  CHECK(decode_chunks(Encoding::utf16le, {"3dd84100"}) == std::vector<std::string>{R + "A", ""});
}

TEST_CASE("base64 writes whole 3-byte groups and pads the rest at end()", "[string_decoder]") {
  CHECK(decode_chunks(Encoding::base64, {"e2", "82", "ac", "e2"}) ==
        std::vector<std::string>{"", "", "4oKs", "", "4g=="});
  CHECK(decode_chunks(Encoding::base64url, {"e2", "82", "ac", "e2"}) ==
        std::vector<std::string>{"", "", "4oKs", "", "4g"});
  CHECK(decode_chunks(Encoding::base64, {"e282ace282ac"}) ==
        std::vector<std::string>{"4oKs4oKs", ""});
}

TEST_CASE("hex, latin1 and ascii decode each chunk on its own", "[string_decoder]") {
  CHECK(decode_chunks(Encoding::hex, {"e2", "82"}) == std::vector<std::string>{"e2", "82", ""});
  CHECK(decode_chunks(Encoding::ascii, {"e2", "82"}) ==
        std::vector<std::string>{"b", "\x02", ""});
  CHECK(decode_chunks(Encoding::latin1, {"e9"}) == std::vector<std::string>{"\xC3\xA9", ""});
}

TEST_CASE("every encoding, split at every position, gives buf.toString() of the whole",
          "[string_decoder]") {
  // Well-formed text with characters of every UTF-8 length, and bytes that are not.
  const std::string samples[] = {
      "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z\xC4\x80\xF0\x9F\x91\x8D!",
      "\xE2\x82\xAC\xE2\x82\xAC\xE2\x82\xAC",
      "\xE2\x82\x41\xF0\x9F\x98\xC0\x80\xFF\xED\xA0\x80\xE0\x80\xF5\x80\x80\x80\x3D\xD8\x00",
  };
  for (const std::string& sample : samples) {
    const BufferView whole = sample;
    for (Encoding enc : all_encodings) {
      const std::string expected = whole.toString(enc);
      INFO("bytes " << hex_of(whole) << " as " << berth::encodingName(enc));
      for (std::size_t i = 0; i <= whole.size(); ++i) {
        for (std::size_t j = i; j <= whole.size(); ++j) {
          INFO("cut at " << i << " and " << j);
          CHECK(decode_split(enc, whole, {i, j}) == expected);
        }
      }
      std::vector<std::size_t> every_byte;
      for (std::size_t i = 1; i < whole.size(); ++i) every_byte.push_back(i);
      CHECK(decode_split(enc, whole, every_byte) == expected);
    }
  }
}

TEST_CASE("StringDecoder takes Node's encoding names, the empty one meaning utf8",
          "[string_decoder]") {
  CHECK(StringDecoder("").encoding() == Encoding::utf8);
  CHECK(StringDecoder("BINARY").encoding() == Encoding::latin1);
  CHECK(StringDecoder("UCS-2").encoding() == Encoding::utf16le);
  CHECK(StringDecoder().encoding() == Encoding::utf8);
  try {
    StringDecoder decoder("xyz");
    FAIL("no exception");
  } catch (const berth::Error& e) {
    CHECK(e.code == "ERR_UNKNOWN_ENCODING");
    CHECK(std::string(e.what()) == "Unknown encoding: xyz");
    CHECK(e.kind == berth::ErrorKind::TypeError);
  }
}

TEST_CASE("end(bytes) writes the bytes, flushes, and leaves the decoder ready to reuse",
          "[string_decoder]") {
  StringDecoder decoder;
  CHECK(decoder.write(bytes_of("e2")) == "");
  CHECK(decoder.end(bytes_of("82")) == R);
  CHECK(decoder.write(bytes_of("41")) == "A");
  CHECK(decoder.end() == "");
}

TEST_CASE("write(bytes, out) and end(bytes, out) append to the caller's string",
          "[string_decoder]") {
  StringDecoder decoder;
  std::string out = ">";
  decoder.write(bytes_of("41e282"), out);
  decoder.write(Buffer::from("\xAC"), out);
  decoder.end(bytes_of("f0"), out);
  CHECK(out == ">A\xE2\x82\xAC" + R);
}

TEST_CASE("chunks match node's StringDecoder on random bytes and random splits",
          "[string_decoder][node]") {
  const std::uint8_t interesting[] = {0x41, 0x00, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF,
                                      0xE0, 0xE2, 0xED, 0xF0, 0xF4, 0xF5, 0xFF, 0xD8, 0xDC,
                                      0xDE, 0x3D, 0x82, 0xAC};
  struct Case { Encoding enc; std::vector<std::vector<std::uint8_t>> chunks; };
  std::mt19937 rng(42);
  std::vector<Case> cases;
  for (int i = 0; i < 1400; ++i) {
    Case c{all_encodings[i % std::size(all_encodings)], {}};
    const std::size_t count = rng() % 5;
    for (std::size_t k = 0; k < count; ++k) {
      std::vector<std::uint8_t> chunk(rng() % 6);
      for (auto& b : chunk)
        b = rng() % 4 ? interesting[rng() % std::size(interesting)]
                      : static_cast<std::uint8_t>(rng());
      c.chunks.push_back(std::move(chunk));
    }
    cases.push_back(std::move(c));
  }

  // One line per case: the UTF-8 of each write()'s result and then end()'s, in hex, with
  // '-' standing for an empty result.
  std::string script = "const { StringDecoder } = require('string_decoder');\nconst cases = [\n";
  for (const Case& c : cases) {
    script += "  ['" + std::string(berth::encodingName(c.enc)) + "'";
    for (const auto& chunk : c.chunks) script += ", '" + hex_of(chunk) + "'";
    script += "],\n";
  }
  script +=
      "];\n"
      "const hex = s => Buffer.from(s, 'utf8').toString('hex') || '-';\n"
      "for (const [enc, ...chunks] of cases) {\n"
      "  const d = new StringDecoder(enc);\n"
      "  const out = chunks.map(c => d.write(Buffer.from(c, 'hex')));\n"
      "  out.push(d.end());\n"
      "  console.log(out.map(hex).join(' ') + ' ' + hex(out.join('')));\n"
      "}\n";
  const auto output = run_node(script);
  if (!output) {
    WARN("node is not available: skipped");
    return;
  }
  std::istringstream lines(*output);
  for (const Case& c : cases) {
    std::string line;
    REQUIRE(std::getline(lines, line));
    std::istringstream fields(line);
    std::vector<std::string> expected;
    for (std::string f; fields >> f;) expected.push_back(f == "-" ? "" : f);
    REQUIRE(expected.size() == c.chunks.size() + 2);

    StringDecoder decoder(c.enc);
    std::vector<std::string> actual;
    std::string all;
    for (const auto& chunk : c.chunks) actual.push_back(decoder.write(chunk));
    actual.push_back(decoder.end());
    for (const std::string& piece : actual) {
      CHECK(well_formed_utf8(piece));
      all += piece;
    }
    std::string input;
    for (const auto& chunk : c.chunks) input += hex_of(chunk) + " ";
    INFO(berth::encodingName(c.enc) << " chunks " << input);
    CHECK(hex_of(all) == expected.back());
    if (c.enc != Encoding::utf16le) {  // utf16le differs by design: pairs are kept whole
      for (std::size_t k = 0; k < actual.size(); ++k) CHECK(hex_of(actual[k]) == expected[k]);
    }
  }
}
