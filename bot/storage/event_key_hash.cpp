#include "bot/storage/event_key_hash.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace kith::storage {
namespace {
/// SHA-256 through a context kept per thread: OpenSSL 3's one-shot SHA256() looks the algorithm up
/// and allocates a context on every call, four times the cost of hashing a short key.
class Sha256 {
 public:
  Sha256() : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr), EVP_MD_free), ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    if (!md_ || !ctx_) throw std::runtime_error("event key hash: OpenSSL cannot provide SHA-256");
  }
  void digest(std::string_view text, unsigned char (&out)[EVP_MAX_MD_SIZE]) {
    unsigned int length = 0;
    if (EVP_DigestInit_ex2(ctx_.get(), md_.get(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx_.get(), text.data(), text.size()) != 1 ||
        EVP_DigestFinal_ex(ctx_.get(), out, &length) != 1) {
      throw std::runtime_error("event key hash: SHA-256 failed");
    }
  }

 private:
  std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md_;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};
}  // namespace

std::int64_t event_key_hash(std::string_view key) {
  thread_local Sha256 sha256;
  unsigned char digest[EVP_MAX_MD_SIZE];
  sha256.digest(key, digest);
  // Big-endian, so the value does not depend on the machine that computed it.
  std::uint64_t hash = 0;
  for (int i = 0; i < 8; ++i) hash = (hash << 8) | digest[i];
  return static_cast<std::int64_t>(hash);
}

}  // namespace kith::storage
