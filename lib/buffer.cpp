#include "berth/buffer.hpp"

#include <algorithm>
#include <cstring>

namespace berth {

std::string BufferView::toString(Encoding enc, std::ptrdiff_t start, std::ptrdiff_t end) const {
  // Node's buf.toString() clamps to [0, length] rather than counting negative indices
  // from the end as subarray() does.
  const auto clamp = [this](std::ptrdiff_t i) {
    return i <= 0 ? std::size_t{0} : std::min(static_cast<std::size_t>(i), size_);
  };
  const std::size_t b = clamp(start);
  const std::size_t e = clamp(end);
  if (e <= b) return {};
  return decode(std::span<const std::uint8_t>(data_ + b, e - b), enc);
}

bool BufferView::equals(BufferView other) const noexcept {
  return size_ == other.size_ && (size_ == 0 || std::memcmp(data_, other.data_, size_) == 0);
}

int BufferView::compare(BufferView other) const noexcept {
  const std::size_t n = size_ < other.size_ ? size_ : other.size_;
  const int c = n == 0 ? 0 : std::memcmp(data_, other.data_, n);
  if (c != 0) return c < 0 ? -1 : 1;
  if (size_ == other.size_) return 0;
  return size_ < other.size_ ? -1 : 1;
}

}  // namespace berth
