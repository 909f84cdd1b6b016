#include "berth/encoding.hpp"

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "berth/error.hpp"

using berth::Encoding;

namespace {

// Expected values in this file were checked against node v20's Buffer.

std::string hex_of(const std::vector<std::uint8_t>& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  for (std::uint8_t b : bytes) {
    s.push_back(digits[b >> 4]);
    s.push_back(digits[b & 15]);
  }
  return s;
}

std::string hex_of(std::string_view text) {
  return hex_of(std::vector<std::uint8_t>(text.begin(), text.end()));
}

std::vector<std::uint8_t> bytes_of(std::string_view hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string encode_hex(std::string_view text, Encoding enc) {
  return hex_of(berth::encode(text, enc));
}

std::string decode_hex_input(std::string_view hex, Encoding enc) {
  return berth::decode(bytes_of(hex), enc);
}

// Runs a node script and returns its standard output, or nullopt when node is missing.
std::optional<std::string> run_node(const std::string& script) {
  char path[] = "/tmp/berth_encoding_XXXXXX.js";
  const int fd = mkstemps(path, 3);
  if (fd < 0) return std::nullopt;
  close(fd);
  std::ofstream(path) << script;
  std::string output;
  if (FILE* pipe = popen(("node " + std::string(path) + " 2>/dev/null").c_str(), "r")) {
    char chunk[4096];
    std::size_t n;
    while ((n = std::fread(chunk, 1, sizeof chunk, pipe)) > 0) output.append(chunk, n);
    const int status = pclose(pipe);
    std::remove(path);
    if (status != 0) return std::nullopt;
    return output;
  }
  std::remove(path);
  return std::nullopt;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

constexpr Encoding all_encodings[] = {Encoding::utf8,   Encoding::hex,   Encoding::base64,
                                      Encoding::base64url, Encoding::latin1, Encoding::ascii,
                                      Encoding::utf16le};

}  // namespace

TEST_CASE("parseEncoding accepts Node's encoding names in any case", "[encoding]") {
  struct Case { const char* name; Encoding enc; };
  const Case cases[] = {
      {"utf8", Encoding::utf8},         {"UTF-8", Encoding::utf8},
      {"Utf8", Encoding::utf8},         {"hex", Encoding::hex},
      {"HEX", Encoding::hex},           {"base64", Encoding::base64},
      {"BASE64URL", Encoding::base64url}, {"latin1", Encoding::latin1},
      {"BINARY", Encoding::latin1},     {"ascii", Encoding::ascii},
      {"utf16le", Encoding::utf16le},   {"UTF-16LE", Encoding::utf16le},
      {"ucs2", Encoding::utf16le},      {"UCS-2", Encoding::utf16le},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    CHECK(berth::parseEncoding(c.name) == c.enc);
  }
}

TEST_CASE("parseEncoding rejects what Buffer.isEncoding rejects", "[encoding]") {
  for (const char* name : {"", "utf-16", "utf16", "ucs", "base-64", "latin-1", "binary ", "utf_8"}) {
    INFO(name);
    CHECK_FALSE(berth::parseEncoding(name).has_value());
  }
}

TEST_CASE("toEncoding throws TypeError ERR_UNKNOWN_ENCODING with Node's message", "[encoding]") {
  CHECK(berth::toEncoding("Latin1") == Encoding::latin1);
  try {
    berth::toEncoding("xyz");
    FAIL("no exception");
  } catch (const berth::Error& e) {
    CHECK(e.code == "ERR_UNKNOWN_ENCODING");
    CHECK(std::string(e.what()) == "Unknown encoding: xyz");
    CHECK(e.kind == berth::ErrorKind::TypeError);
  }
}

TEST_CASE("encodingName gives Node's canonical name, which parses back", "[encoding]") {
  CHECK(berth::encodingName(Encoding::utf16le) == "utf16le");
  CHECK(berth::encodingName(Encoding::latin1) == "latin1");
  for (Encoding enc : all_encodings) CHECK(berth::parseEncoding(berth::encodingName(enc)) == enc);
}

TEST_CASE("utf8 encoding passes text through byte for byte, ill-formed or not", "[encoding]") {
  CHECK(encode_hex("h\xE2\x82\xAC", Encoding::utf8) == "68e282ac");
  CHECK(encode_hex("\xFF\xE2\x82", Encoding::utf8) == "ffe282");
  CHECK(berth::encodedLength("\xFF\xE2\x82", Encoding::utf8) == 3);
}

TEST_CASE("latin1 and ascii encoding keep the low byte of each UTF-16 code unit", "[encoding]") {
  for (Encoding enc : {Encoding::latin1, Encoding::ascii}) {
    CHECK(encode_hex("A\xC3\xA9", enc) == "41e9");         // é
    CHECK(encode_hex("\xE2\x82\xAC", enc) == "ac");         // € U+20AC
    CHECK(encode_hex("\xF0\x9F\x98\x80", enc) == "3d00");   // 😀 = D83D DE00
    CHECK(encode_hex("\xFF", enc) == "fd");                 // ill-formed reads as U+FFFD
    CHECK(berth::encodedLength("\xF0\x9F\x98\x80", enc) == 2);
  }
}

TEST_CASE("utf16le encoding writes code units, a surrogate pair above U+FFFF", "[encoding]") {
  CHECK(encode_hex("A\xE2\x82\xAC", Encoding::utf16le) == "4100ac20");
  CHECK(encode_hex("\xF0\x9F\x98\x80", Encoding::utf16le) == "3dd800de");
  CHECK(berth::encodedLength("\xF0\x9F\x98\x80", Encoding::utf16le) == 4);
}

TEST_CASE("hex encoding stops at the first bad pair and drops an odd last digit", "[encoding]") {
  CHECK(encode_hex("ABcd", Encoding::hex) == "abcd");
  CHECK(encode_hex("abz1", Encoding::hex) == "ab");
  CHECK(encode_hex("abc", Encoding::hex) == "ab");
  CHECK(encode_hex("a", Encoding::hex) == "");
  CHECK(encode_hex(" ab", Encoding::hex) == "");
  // Node reads the low byte of each code unit: U+0141 counts as 'A'.
  CHECK(encode_hex("\xC5\x81" "a", Encoding::hex) == "aa");
  CHECK(berth::encodedLength("zz", Encoding::hex) == 1);  // Node's bound, not the result
}

TEST_CASE("base64 encoding skips foreign characters and stops at the first '='", "[encoding]") {
  CHECK(encode_hex("QUJD", Encoding::base64) == "414243");
  CHECK(encode_hex("Q U\nJD", Encoding::base64) == "414243");
  CHECK(encode_hex("QUJD==QUJD", Encoding::base64) == "414243");
  CHECK(encode_hex("QU=JD", Encoding::base64) == "41");
  CHECK(encode_hex("QQ", Encoding::base64) == "41");
  CHECK(encode_hex("QUJDRA", Encoding::base64) == "41424344");
  CHECK(encode_hex("Q", Encoding::base64) == "");
  CHECK(encode_hex("QU\xC3\x81JD", Encoding::base64) == "414243");   // Á is skipped
  CHECK(encode_hex("QU\xF0\x9F\x98\x80JD", Encoding::base64) == "41");  // D83D's low byte is '='
}

TEST_CASE("base64 and base64url each accept both alphabets", "[encoding]") {
  for (Encoding enc : {Encoding::base64, Encoding::base64url}) {
    CHECK(encode_hex("-_-_", enc) == "fbffbf");
    CHECK(encode_hex("+/+/", enc) == "fbffbf");
  }
}

TEST_CASE("encodedLength is Node's Buffer.byteLength", "[encoding]") {
  CHECK(berth::encodedLength("h\xE2\x82\xAC", Encoding::utf8) == 4);
  CHECK(berth::encodedLength("h\xE2\x82\xAC", Encoding::latin1) == 2);
  CHECK(berth::encodedLength("h\xE2\x82\xAC", Encoding::utf16le) == 4);
  CHECK(berth::encodedLength("abc", Encoding::hex) == 1);
  CHECK(berth::encodedLength("QUJD", Encoding::base64) == 3);
  CHECK(berth::encodedLength("QQ==", Encoding::base64) == 1);
  CHECK(berth::encodedLength("QUJDRA=X", Encoding::base64) == 6);
  CHECK(berth::encodedLength("====", Encoding::base64) == 1);
  CHECK(berth::encodedLength("", Encoding::base64) == 0);
}

TEST_CASE("encodeInto appends to any byte container and returns the count", "[encoding]") {
  std::vector<std::uint8_t> bytes{0x01};
  CHECK(berth::encodeInto("QUJD", Encoding::base64, bytes) == 3);
  CHECK(hex_of(bytes) == "01414243");

  std::string text = ">";
  CHECK(berth::encodeInto("abz1", Encoding::hex, text) == 1);  // shrinks back to what was written
  CHECK(text == ">\xAB");

  std::vector<std::byte> raw;
  CHECK(berth::encodeInto("\xE2\x82\xAC", Encoding::utf16le, raw) == 2);
  CHECK(raw == std::vector<std::byte>{std::byte{0xAC}, std::byte{0x20}});
}

TEST_CASE("encodeInto does not reallocate a container with room", "[encoding]") {
  std::vector<std::uint8_t> out;
  out.reserve(64);
  const auto* before = out.data();
  for (int i = 0; i < 4; ++i) {
    out.clear();
    berth::encodeInto("hello \xE2\x82\xAC", Encoding::utf8, out);
    berth::encodeInto("aGVsbG8=", Encoding::base64, out);
  }
  CHECK(out.data() == before);
  CHECK(hex_of(out) == hex_of("hello \xE2\x82\xAChello"));
}

TEST_CASE("utf8 decoding replaces each maximal ill-formed subpart with U+FFFD", "[encoding]") {
  const std::string R = "\xEF\xBF\xBD";
  struct Case { const char* hex; std::string text; };
  const Case cases[] = {
      {"e282ac", "\xE2\x82\xAC"},      {"e282", R},         {"f09f98", R},
      {"eda080", R + R + R},           {"c080", R + R},     {"f4908080", R + R + R + R},
      {"ff", R},                       {"80", R},           {"e0a0", R},
      {"f0808080", R + R + R + R},     {"e28241", R + "A"}, {"efbbbf41", "\xEF\xBB\xBF" "A"},
      {"eda0bdedb880", R + R + R + R + R + R},
      {"41e282ac42ff43", "A\xE2\x82\xAC" "B" + R + "C"},
  };
  for (const Case& c : cases) {
    INFO(c.hex);
    CHECK(decode_hex_input(c.hex, Encoding::utf8) == c.text);
  }
}

TEST_CASE("ascii decoding clears the top bit of each byte", "[encoding]") {
  CHECK(decode_hex_input("41e9ff80", Encoding::ascii) == std::string("Ai\x7F\0", 4));
}

TEST_CASE("latin1 decoding maps each byte to the code point of that value", "[encoding]") {
  CHECK(decode_hex_input("41e9ff80", Encoding::latin1) == "A\xC3\xA9\xC3\xBF\xC2\x80");
}

TEST_CASE("utf16le decoding joins surrogate pairs and replaces lone ones", "[encoding]") {
  const std::string R = "\xEF\xBF\xBD";
  CHECK(decode_hex_input("3dd800de", Encoding::utf16le) == "\xF0\x9F\x98\x80");
  CHECK(decode_hex_input("3dd84100", Encoding::utf16le) == R + "A");
  CHECK(decode_hex_input("00de", Encoding::utf16le) == R);
  CHECK(decode_hex_input("3dd8", Encoding::utf16le) == R);
  CHECK(decode_hex_input("410042", Encoding::utf16le) == "A");  // odd last byte ignored
}

TEST_CASE("hex decoding is lower case", "[encoding]") {
  CHECK(decode_hex_input("ABCDEF09", Encoding::hex) == "abcdef09");
}

TEST_CASE("base64 decoding pads, base64url does not", "[encoding]") {
  CHECK(decode_hex_input("e282ac", Encoding::base64) == "4oKs");
  CHECK(decode_hex_input("e282", Encoding::base64) == "4oI=");
  CHECK(decode_hex_input("e2", Encoding::base64) == "4g==");
  CHECK(decode_hex_input("e282", Encoding::base64url) == "4oI");
  CHECK(decode_hex_input("fbff", Encoding::base64url) == "-_8");
  CHECK(decode_hex_input("", Encoding::base64) == "");
}

TEST_CASE("decodeInto appends to the caller's string", "[encoding]") {
  std::string out = "x=";
  berth::decodeInto(bytes_of("ff00"), Encoding::hex, out);
  CHECK(out == "x=ff00");
}

TEST_CASE("encode and encodedLength match node's Buffer.from and Buffer.byteLength on random text",
          "[encoding][node]") {
  // Pieces weighted towards what hex and base64 parsers care about, plus multi-byte
  // characters, characters whose code units' low bytes are digits or '=', and ill-formed
  // UTF-8 (which node reads as U+FFFD, as berth does).
  const std::vector<std::string> pieces = {
      "A", "Q", "z", "+", "/", "-", "_", "=", "=", " ", "\n", "*", "0", "9", "f", "F", "g", "e",
      "\xC3\xA9", "\xC5\x81", "\xC4\xBD", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xC4\x80",
      "\xC4\xB0", "\xE2\x82", "\x80", "\xFF", "\xED\xA0\x80", "\xC0\xAF"};
  std::mt19937 rng(20240611);
  std::vector<std::string> texts = {"", "=", "==", "a=", "\xF0\x9F\x98\x80="};
  for (int i = 0; i < 600; ++i) {
    const int n = i % 100 == 99 ? 6000 : static_cast<int>(rng() % 16);
    std::string text;
    for (int k = 0; k < n; ++k) text += pieces[rng() % pieces.size()];
    texts.push_back(std::move(text));
  }

  std::string script = "const texts = [\n";
  for (const std::string& t : texts) script += "  '" + hex_of(t) + "',\n";
  script +=
      "];\n"
      "const encs = ['utf8','hex','base64','base64url','latin1','ascii','utf16le'];\n"
      "for (const h of texts) {\n"
      "  const s = Buffer.from(h, 'hex').toString('utf8');\n"
      "  console.log(encs.map(e => Buffer.from(s, e).toString('hex') + ':' +\n"
      "                           Buffer.byteLength(s, e)).join(' '));\n"
      "}\n";
  const auto output = run_node(script);
  if (!output) {
    WARN("node is not available: skipped");
    return;
  }
  const auto lines = lines_of(*output);
  REQUIRE(lines.size() == texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    std::istringstream fields(lines[i]);
    for (Encoding enc : all_encodings) {
      std::string expected;
      fields >> expected;
      // utf8 passes ill-formed text through where node's string already holds U+FFFD.
      const std::string text = enc == Encoding::utf8
                                   ? berth::decode(berth::encode(texts[i]), Encoding::utf8)
                                   : texts[i];
      INFO("text (hex) " << hex_of(texts[i]) << " as " << berth::encodingName(enc));
      CHECK(encode_hex(text, enc) + ":" + std::to_string(berth::encodedLength(text, enc)) ==
            expected);
    }
  }
}

TEST_CASE("decode matches node's buf.toString on random bytes", "[encoding][node]") {
  // Bytes weighted towards UTF-8 lead and continuation bytes and UTF-16 surrogates.
  const std::uint8_t interesting[] = {0x41, 0x00, 0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2,
                                      0xDF, 0xE0, 0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF,
                                      0xD8, 0xDB, 0xDC, 0xDE, 0x3D, 0x82, 0xAC};
  std::mt19937 rng(7);
  std::vector<std::vector<std::uint8_t>> inputs = {{}};
  for (int i = 0; i < 800; ++i) {
    std::vector<std::uint8_t> bytes(rng() % 12);
    for (auto& b : bytes)
      b = rng() % 2 ? interesting[rng() % std::size(interesting)] : static_cast<std::uint8_t>(rng());
    inputs.push_back(std::move(bytes));
  }
  std::string script = "const inputs = [\n";
  for (const auto& in : inputs) script += "  '" + hex_of(in) + "',\n";
  script +=
      "];\n"
      "const encs = ['utf8','hex','base64','base64url','latin1','ascii','utf16le'];\n"
      "for (const h of inputs) {\n"
      "  const b = Buffer.from(h, 'hex');\n"
      "  console.log(encs.map(e => Buffer.from(b.toString(e), 'utf8').toString('hex') || '-')\n"
      "                  .join(' '));\n"
      "}\n";
  const auto output = run_node(script);
  if (!output) {
    WARN("node is not available: skipped");
    return;
  }
  const auto lines = lines_of(*output);
  REQUIRE(lines.size() == inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    std::istringstream fields(lines[i]);
    for (Encoding enc : all_encodings) {
      std::string expected;
      fields >> expected;
      if (expected == "-") expected.clear();
      INFO("bytes " << hex_of(inputs[i]) << " as " << berth::encodingName(enc));
      CHECK(hex_of(berth::decode(inputs[i], enc)) == expected);
    }
  }
}
