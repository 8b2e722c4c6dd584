#pragma once

#include <string>
#include <utility>
#include <variant>

namespace eegd {

// A control-plane error meant for people: what went wrong and, when a single
// parameter is to blame, which one (so configuration layers can point at its
// line and column, or its JSON Pointer).
struct error {
  std::string message;
  std::string param;  // empty when the error is not about one parameter
};

// A value or an error. Control-plane functions (build, set_param, loading)
// return this; data-plane functions return `flow`.
template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  result(error e) : v_(std::move(e)) {}      // NOLINT(google-explicit-constructor)

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const error& err() const { return std::get<1>(v_); }

 private:
  std::variant<T, error> v_;
};

// Success or an error, for operations that produce nothing.
class [[nodiscard]] status {
 public:
  status() = default;
  status(error e) : err_(std::move(e)), failed_(true) {}  // NOLINT(google-explicit-constructor)

  bool ok() const noexcept { return !failed_; }
  explicit operator bool() const noexcept { return ok(); }
  const error& err() const { return err_; }

 private:
  error err_;
  bool failed_ = false;
};

inline status ok() { return {}; }

// Shorthand for the common "this parameter is wrong" error.
inline error param_error(std::string param, std::string message) {
  return error{std::move(message), std::move(param)};
}

}  // namespace eegd
