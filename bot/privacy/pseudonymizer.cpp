#include "bot/privacy/pseudonymizer.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace kith::privacy {
namespace {
namespace fs = std::filesystem;

Pseudonymizer::Key random_key() {
  Pseudonymizer::Key key{};
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
    throw std::runtime_error("cannot generate a pseudonym key: the system's random source failed");
  }
  return key;
}

void write_key(const fs::path& path, const Pseudonymizer::Key& key) {
  // Written to a temporary file created 0600 and renamed, so a crash never leaves half a key.
  const auto temp = path.string() + ".new";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create pseudonym key file " + temp + ": " + std::strerror(errno));
  const auto written = ::write(fd, key.data(), key.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (written != static_cast<ssize_t>(key.size()) || !synced || std::rename(temp.c_str(), path.c_str()) != 0) {
    throw std::runtime_error("cannot write pseudonym key file " + path.string() + ": " + std::strerror(errno));
  }
}
}  // namespace

Pseudonymizer Pseudonymizer::from_key_file(const fs::path& path) {
  if (!fs::exists(path)) write_key(path, random_key());
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    throw std::runtime_error("cannot read pseudonym key file " + path.string() + ": " + std::strerror(errno));
  }
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    throw std::runtime_error("pseudonym key file " + path.string() + " is readable by other users; run: chmod 600 " +
                             path.string());
  }
  Key key{};
  const int fd = ::open(path.c_str(), O_RDONLY);
  const auto n = fd >= 0 ? ::read(fd, key.data(), key.size()) : -1;
  if (fd >= 0) ::close(fd);
  if (n != static_cast<ssize_t>(key.size())) {
    throw std::runtime_error("pseudonym key file " + path.string() +
                             " is not a 32-byte key; restore it from backup "
                             "or delete it (and with it every old pseudonymous link)");
  }
  return Pseudonymizer(key);
}

void Pseudonymizer::rotate_key_file(const fs::path& path) {
  write_key(path, random_key());
}

analytics::Pseudonym Pseudonymizer::hash(char domain, std::string_view id) const {
  std::string message(1, domain);
  message += id;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), digest.data(), &length);
  analytics::Pseudonym p;
  std::memcpy(p.bytes.data(), digest.data(), p.bytes.size());
  return p;
}

// Users and channels hash in separate domains, so a user and a channel with the same id differ.
analytics::Pseudonym Pseudonymizer::of(const UserId& user) const {
  return memo_.get('u', user.str(), [&] { return hash('u', user.str()); });
}
analytics::Pseudonym Pseudonymizer::of(const ChannelId& channel) const {
  return memo_.get('c', channel.str(), [&] { return hash('c', channel.str()); });
}

}  // namespace kith::privacy
