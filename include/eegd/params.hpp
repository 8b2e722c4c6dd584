#pragma once

// Declarative stage parameters.
//
// A stage lists its parameters once, next to the members that hold them:
//
//   double hz_ = 60.0;
//   static constexpr auto params = eegd::param_list(
//       eegd::param<&notch::hz_>("hz").unit("Hz").range(0.1, 1000).live());
//
// YAML validation, the JSON view, live changes, `eegd stages` and the generated
// docs all read this one declaration. The default is the member's initial value.

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <variant>
#include <vector>

#include "eegd/result.hpp"

namespace eegd {

enum class param_type : std::uint8_t {
  boolean,
  integer,
  number,
  text,
  choice,         // text from a fixed list
  number_list,
  text_list,
  number_matrix,  // list of rows of numbers (e.g. SOS sections)
};

constexpr const char* to_string(param_type t) noexcept {
  switch (t) {
    case param_type::boolean: return "boolean";
    case param_type::integer: return "integer";
    case param_type::number: return "number";
    case param_type::text: return "string";
    case param_type::choice: return "choice";
    case param_type::number_list: return "number list";
    case param_type::text_list: return "string list";
    case param_type::number_matrix: return "number matrix";
  }
  return "unknown";
}

using number_matrix = std::vector<std::vector<double>>;
using param_value = std::variant<std::monostate, bool, std::int64_t, double, std::string,
                                 std::vector<double>, std::vector<std::string>, number_matrix>;

// The runtime description of one parameter.
struct param_info {
  std::string_view name;
  param_type type = param_type::number;
  std::string_view unit;
  std::string_view doc;
  double min = 0.0;
  double max = 0.0;
  bool has_range = false;
  bool live = false;      // may change while the pipeline runs, without a restart
  bool required = false;  // must be given (there is no sensible default)
  std::span<const std::string_view> choices;  // allowed values of a choice
  std::size_t row_size = 0;    // number_matrix: exact row length, 0 for any
  std::size_t max_items = 4096;  // lists and matrices: longest accepted
};

namespace detail {

template <class M>
struct member_traits;
template <class C, class T>
struct member_traits<T C::*> {
  using owner = C;
  using value = T;
};

template <class T>
constexpr param_type param_type_of() {
  if constexpr (std::is_same_v<T, bool>) return param_type::boolean;
  else if constexpr (std::is_integral_v<T>) return param_type::integer;
  else if constexpr (std::is_floating_point_v<T>) return param_type::number;
  else if constexpr (std::is_same_v<T, std::string>) return param_type::text;
  else if constexpr (std::is_same_v<T, std::vector<double>>) return param_type::number_list;
  else if constexpr (std::is_same_v<T, std::vector<std::string>>) return param_type::text_list;
  else if constexpr (std::is_same_v<T, number_matrix>) return param_type::number_matrix;
  else static_assert(sizeof(T) == 0, "unsupported parameter member type");
}

}  // namespace detail

// Numbers in messages for people: "50", "0.5", "1e+09", never "50.000000".
inline std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

namespace detail {

inline std::string range_text(const param_info& p) {
  std::string s = format_number(p.min) + ".." + format_number(p.max);
  if (!p.unit.empty()) (s += ' ') += p.unit;
  return s;
}

inline status check_range(const param_info& p, double v) {
  if (!std::isfinite(v)) return param_error(std::string(p.name), "must be a finite number");
  if (p.has_range && (v < p.min || v > p.max))
    return param_error(std::string(p.name),
                       "out of range: " + format_number(v) + ", allowed " + range_text(p));
  return ok();
}

inline status wrong_type(const param_info& p, const char* got) {
  return param_error(std::string(p.name),
                     std::string("expected ") + to_string(p.type) + ", got " + got);
}

inline const char* value_kind(const param_value& v) {
  switch (v.index()) {
    case 0: return "nothing";
    case 1: return "a boolean";
    case 2: return "an integer";
    case 3: return "a number";
    case 4: return "a string";
    case 5: return "a number list";
    case 6: return "a string list";
    default: return "a number matrix";
  }
}

// Numbers arrive as int64 or double depending on how they were written.
inline bool as_number(const param_value& v, double& out) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return out = static_cast<double>(*i), true;
  if (const auto* d = std::get_if<double>(&v)) return out = *d, true;
  return false;
}

template <class T>
status convert(const param_info& p, const param_value& v, T& out) {
  if constexpr (std::is_same_v<T, bool>) {
    const auto* b = std::get_if<bool>(&v);
    if (!b) return wrong_type(p, value_kind(v));
    out = *b;
  } else if constexpr (std::is_integral_v<T>) {
    double d = 0;
    if (!as_number(v, d) || d != std::floor(d)) return wrong_type(p, value_kind(v));
    if (auto s = check_range(p, d); !s) return s;
    if (d < static_cast<double>(std::numeric_limits<T>::min()) ||
        d > static_cast<double>(std::numeric_limits<T>::max()))
      return param_error(std::string(p.name), "out of range: " + format_number(d));
    out = static_cast<T>(d);
  } else if constexpr (std::is_floating_point_v<T>) {
    double d = 0;
    if (!as_number(v, d)) return wrong_type(p, value_kind(v));
    if (auto s = check_range(p, d); !s) return s;
    out = static_cast<T>(d);
  } else if constexpr (std::is_same_v<T, std::string>) {
    const auto* s = std::get_if<std::string>(&v);
    if (!s) return wrong_type(p, value_kind(v));
    if (p.type == param_type::choice) {
      bool known = false;
      std::string allowed;
      for (auto c : p.choices) {
        known = known || c == *s;
        if (!allowed.empty()) allowed += ", ";
        allowed += c;
      }
      if (!known)
        return param_error(std::string(p.name), "'" + *s + "' is not one of: " + allowed);
    }
    out = *s;
  } else if constexpr (std::is_same_v<T, std::vector<double>>) {
    std::vector<double> list;
    double single = 0;
    if (as_number(v, single)) {
      list.push_back(single);
    } else if (const auto* l = std::get_if<std::vector<double>>(&v)) {
      list = *l;
    } else {
      return wrong_type(p, value_kind(v));
    }
    if (list.size() > p.max_items)
      return param_error(std::string(p.name), "too many items (at most " +
                                                  std::to_string(p.max_items) + ")");
    for (double d : list)
      if (auto s = check_range(p, d); !s) return s;
    out = std::move(list);
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    const auto* l = std::get_if<std::vector<std::string>>(&v);
    if (!l) return wrong_type(p, value_kind(v));
    if (l->size() > p.max_items)
      return param_error(std::string(p.name), "too many items (at most " +
                                                  std::to_string(p.max_items) + ")");
    out = *l;
  } else if constexpr (std::is_same_v<T, number_matrix>) {
    const auto* m = std::get_if<number_matrix>(&v);
    if (!m) return wrong_type(p, value_kind(v));
    if (m->size() > p.max_items)
      return param_error(std::string(p.name), "too many rows (at most " +
                                                  std::to_string(p.max_items) + ")");
    for (const auto& row : *m) {
      if (p.row_size && row.size() != p.row_size)
        return param_error(std::string(p.name), "every row needs " + std::to_string(p.row_size) +
                                                    " numbers, got " + std::to_string(row.size()));
      for (double d : row)
        if (auto s = check_range(p, d); !s) return s;
    }
    out = *m;
  }
  return ok();
}

template <class T>
param_value to_value(const T& v) {
  if constexpr (std::is_same_v<T, bool>) return v;
  else if constexpr (std::is_integral_v<T>) return static_cast<std::int64_t>(v);
  else if constexpr (std::is_floating_point_v<T>) return static_cast<double>(v);
  else return v;
}

}  // namespace detail

// One parameter declaration, bound to the member that stores it.
template <auto Member>
class param_decl {
  using traits = detail::member_traits<decltype(Member)>;

 public:
  using owner_type = typename traits::owner;
  using value_type = typename traits::value;

  constexpr explicit param_decl(std::string_view name) {
    info_.name = name;
    info_.type = detail::param_type_of<value_type>();
  }
  constexpr param_decl unit(std::string_view u) const { return with([&](param_info& i) { i.unit = u; }); }
  constexpr param_decl doc(std::string_view d) const { return with([&](param_info& i) { i.doc = d; }); }
  constexpr param_decl range(double lo, double hi) const {
    return with([&](param_info& i) { i.min = lo, i.max = hi, i.has_range = true; });
  }
  constexpr param_decl live() const { return with([](param_info& i) { i.live = true; }); }
  constexpr param_decl required() const { return with([](param_info& i) { i.required = true; }); }
  constexpr param_decl one_of(std::span<const std::string_view> choices) const {
    static_assert(std::is_same_v<value_type, std::string>, "one_of() needs a std::string member");
    return with([&](param_info& i) { i.choices = choices, i.type = param_type::choice; });
  }
  constexpr param_decl row_size(std::size_t n) const { return with([&](param_info& i) { i.row_size = n; }); }
  constexpr param_decl max_items(std::size_t n) const { return with([&](param_info& i) { i.max_items = n; }); }

  constexpr const param_info& info() const { return info_; }

  status set(owner_type& stage, const param_value& v) const {
    return detail::convert(info_, v, stage.*Member);
  }
  param_value get(const owner_type& stage) const { return detail::to_value(stage.*Member); }

 private:
  template <class F>
  constexpr param_decl with(F f) const {
    param_decl copy = *this;
    f(copy.info_);
    return copy;
  }
  param_info info_;
};

template <auto Member>
constexpr param_decl<Member> param(std::string_view name) {
  return param_decl<Member>(name);
}

template <class... Decls>
constexpr std::tuple<Decls...> param_list(Decls... decls) {
  return {decls...};
}

// Type-erased access to one declared parameter of stage type S.
template <class S>
struct param_accessor {
  param_info info;
  status (*set)(S&, const param_value&);
  param_value (*get)(const S&);
};

// The accessor table for S, built from S::params.
template <class S>
std::vector<param_accessor<S>> param_accessors() {
  std::vector<param_accessor<S>> out;
  std::apply(
      [&](const auto&... decl) {
        (out.push_back(param_accessor<S>{
             decl.info(),
             [](S& s, const param_value& v) {
               constexpr auto d = std::get<std::remove_cvref_t<decltype(decl)>>(S::params);
               return d.set(s, v);
             },
             [](const S& s) {
               constexpr auto d = std::get<std::remove_cvref_t<decltype(decl)>>(S::params);
               return d.get(s);
             }}),
         ...);
      },
      S::params);
  return out;
}

}  // namespace eegd
