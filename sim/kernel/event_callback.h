#pragma once
// A move-only `void()` callable for events, 16 bytes. Callables of at most
// 8 bytes that are trivially copyable (a lambda capturing `this` or one
// pointer) live inline; larger ones live on the heap. Moving it copies two
// words, where std::function's move goes through its manager: at millions of
// events a second that difference is a large part of the queue's cost.
#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace coesim {

class EventCallback {
 public:
  EventCallback() = default;
  EventCallback(std::nullptr_t) {}  // NOLINT: like std::function

  template <typename F, typename Fn = std::decay_t<F>,
            typename = std::enable_if_t<!std::is_same_v<Fn, EventCallback> && std::is_invocable_r_v<void, Fn&>>>
  EventCallback(F&& f) {  // NOLINT: implicit, like std::function
    if constexpr (sizeof(Fn) <= sizeof(void*) && std::is_trivially_copyable_v<Fn> && alignof(Fn) <= alignof(void*)) {
      ::new (static_cast<void*>(storage_.bytes)) Fn(std::forward<F>(f));
      ops_ = &kInlineOps<Fn>;
    } else {
      storage_.heap = new Fn(std::forward<F>(f));
      ops_ = &kHeapOps<Fn>;
    }
  }

  EventCallback(EventCallback&& other) noexcept : ops_(other.ops_), storage_(other.storage_) { other.ops_ = nullptr; }
  EventCallback& operator=(EventCallback&& other) noexcept {
    if (this != &other) {
      reset();
      ops_ = other.ops_;
      storage_ = other.storage_;
      other.ops_ = nullptr;
    }
    return *this;
  }
  EventCallback(const EventCallback&) = delete;
  EventCallback& operator=(const EventCallback&) = delete;
  ~EventCallback() { reset(); }

  void operator()() { ops_->invoke(storage_); }
  explicit operator bool() const { return ops_ != nullptr; }

 private:
  union Storage {
    void* heap;
    alignas(void*) unsigned char bytes[sizeof(void*)];
  };
  struct Ops {
    void (*invoke)(Storage&);
    void (*destroy)(Storage&);  // null when nothing to free
  };

  template <typename Fn>
  static constexpr Ops kInlineOps{[](Storage& s) { (*std::launder(reinterpret_cast<Fn*>(s.bytes)))(); }, nullptr};
  template <typename Fn>
  static constexpr Ops kHeapOps{[](Storage& s) { (*static_cast<Fn*>(s.heap))(); },
                                [](Storage& s) { delete static_cast<Fn*>(s.heap); }};

  void reset() {
    if (ops_ != nullptr && ops_->destroy != nullptr) ops_->destroy(storage_);
    ops_ = nullptr;
  }

  const Ops* ops_ = nullptr;
  Storage storage_{};
};

}  // namespace coesim
