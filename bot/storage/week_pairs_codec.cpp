#include "bot/storage/week_pairs_codec.hpp"

#include <stdexcept>
#include <string>

#include "analytics/interaction.hpp"

namespace kith::storage {
namespace {
void put_varint(std::vector<std::uint8_t>& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(value));
}

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> blob) : blob_(blob) {}
  [[nodiscard]] bool done() const { return at_ == blob_.size(); }

  std::uint64_t varint(const char* what) {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const auto byte = next(what);
      if (shift == 63 && byte > 1) break;  // the tenth byte holds only bit 63
      value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    throw std::invalid_argument(std::string(what) + " at byte " + std::to_string(at_) + " is longer than 64 bits");
  }

  std::uint8_t next(const char* what) {
    if (at_ == blob_.size()) {
      throw std::invalid_argument(std::string("the blob ends inside ") + what + ", at byte " + std::to_string(at_));
    }
    return blob_[at_++];
  }

 private:
  std::span<const std::uint8_t> blob_;
  std::size_t at_ = 0;
};

constexpr auto kWeekHours = static_cast<std::uint64_t>(analytics::kHoursPerWeek);

void check(const WeekPair& p) {
  if (p.interactions == 0 || p.recognitions > p.interactions || p.first_offset > p.last_offset ||
      p.last_offset >= kWeekHours) {
    throw std::invalid_argument("the pair with person " + std::to_string(p.dst) + " has " +
                                std::to_string(p.interactions) + " interactions, " + std::to_string(p.recognitions) +
                                " recognitions and hours " + std::to_string(p.first_offset) + " to " +
                                std::to_string(p.last_offset) + " of the week, which cannot be");
  }
}
}  // namespace

std::vector<std::uint8_t> encode_week_pairs(std::span<const WeekPair> pairs) {
  std::vector<std::uint8_t> out;
  out.reserve(pairs.size() * 6);
  std::int64_t previous = -1;
  for (const auto& p : pairs) {
    check(p);
    if (p.dst <= previous) {
      throw std::invalid_argument("week pairs must be sorted by person, each once; person " + std::to_string(p.dst) +
                                  " follows " + std::to_string(previous));
    }
    // In unsigned arithmetic: the gap from -1 to the largest number does not fit a signed one.
    put_varint(out, static_cast<std::uint64_t>(p.dst) - static_cast<std::uint64_t>(previous) - 1);
    put_varint(out, p.interactions);
    put_varint(out, p.recognitions);
    out.push_back(p.first_offset);
    out.push_back(static_cast<std::uint8_t>(p.last_offset - p.first_offset));
    previous = p.dst;
  }
  return out;
}

void decode_week_pairs(std::span<const std::uint8_t> blob, std::vector<WeekPair>& out) {
  out.clear();
  Reader in(blob);
  std::int64_t previous = -1;
  while (!in.done()) {
    WeekPair p;
    const auto delta = in.varint("a person's number");
    constexpr auto kLargest = static_cast<std::uint64_t>(INT64_MAX);
    const auto smallest = static_cast<std::uint64_t>(previous) + 1;  // previous >= -1: wraps to 0 for the first
    if (smallest > kLargest || delta > kLargest - smallest) {
      throw std::invalid_argument("a person's number after " + std::to_string(previous) + " is beyond 2^63");
    }
    p.dst = static_cast<std::int64_t>(smallest + delta);
    const auto interactions = in.varint("an interaction count");
    const auto recognitions = in.varint("a recognition count");
    if (interactions > UINT32_MAX || recognitions > UINT32_MAX) {
      throw std::invalid_argument("the pair with person " + std::to_string(p.dst) + " counts more than 2^32");
    }
    p.interactions = static_cast<std::uint32_t>(interactions);
    p.recognitions = static_cast<std::uint32_t>(recognitions);
    p.first_offset = in.next("an hour offset");
    const auto span = in.next("an hour span");
    if (p.first_offset + span >= kWeekHours) {
      throw std::invalid_argument("the pair with person " + std::to_string(p.dst) + " ends after the week");
    }
    p.last_offset = static_cast<std::uint8_t>(p.first_offset + span);
    check(p);
    out.push_back(p);
    previous = p.dst;
  }
}

}  // namespace kith::storage
