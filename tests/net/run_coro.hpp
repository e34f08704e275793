#pragma once
// Runs an awaitable to completion on an io_context (bounded by a deadline) and returns its value.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>

namespace kith::test {

template <class T>
T run_coro(boost::asio::io_context& io, boost::asio::awaitable<T> work,
           std::chrono::seconds limit = std::chrono::seconds(20)) {
  std::optional<T> value;
  std::exception_ptr error;
  bool done = false;
  boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr e, T v) {
    error = e;
    if (!e) value.emplace(std::move(v));
    done = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done && std::chrono::steady_clock::now() < deadline) io.run_for(std::chrono::milliseconds(10));
  if (!done) throw std::runtime_error("coroutine did not finish before the deadline");
  if (error) std::rethrow_exception(error);
  return std::move(*value);
}

}  // namespace kith::test
