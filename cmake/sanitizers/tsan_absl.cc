// ThreadSanitizer builds only (CLASSPLAN_SANITIZER=tsan, cmake/ClassplanSanitizers.cmake).
//
// Debian's abseil is not built with -fsanitize=thread, so TSan cannot see absl::Mutex lock or
// unlock (nor CondVar waits, nor Notification): every access guarded by one would be reported
// as a race. Abseil annotates these operations itself when it is compiled with TSan; this file
// does the same from outside. It defines the operations in every executable (which therefore
// interpose the library's definitions for all callers, libgrpc's grpc_core::Mutex included),
// tells TSan what happened with the same __tsan_mutex_* annotations abseil uses, and calls the
// library's own definition (dlsym RTLD_NEXT) to do the work.

#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/base/options.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

#define CLASSPLAN_STR2(x) #x
#define CLASSPLAN_STR(x) CLASSPLAN_STR2(x)

namespace {

// The library's definition of `rest` (mangled, after "absl::<inline namespace>::").
template <typename Fn>
Fn Real(const char* rest, bool is_const = false) {
  const char* ns = CLASSPLAN_STR(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  std::string name = std::string(is_const ? "_ZNK4absl" : "_ZN4absl") +
                     std::to_string(std::strlen(ns)) + ns + rest;
  void* f = dlsym(RTLD_NEXT, name.c_str());
  if (f == nullptr) {
    std::fprintf(stderr, "tsan_absl: %s not found in abseil\n", name.c_str());
    std::abort();
  }
  return reinterpret_cast<Fn>(f);
}

// Whether `caller` is code of this executable (instrumented), not of a shared library.
bool CalledFromProgram(void* caller) {
  static const void* const program = [] {
    Dl_info info{};
    dladdr(reinterpret_cast<void*>(&CalledFromProgram), &info);
    return info.dli_fbase;
  }();
  Dl_info info{};
  return dladdr(caller, &info) != 0 && info.dli_fbase == program;
}

constexpr unsigned kRead = __tsan_mutex_read_lock;
constexpr unsigned kTry = __tsan_mutex_try_lock;
constexpr unsigned kTryFailed = __tsan_mutex_try_lock_failed;

}  // namespace

// Each forwarder keeps its real function in a function-local static (resolved on first use).
#define REAL(type, mangled, ...) static const auto real = Real<type>(mangled, ##__VA_ARGS__)

namespace absl {
ABSL_NAMESPACE_BEGIN

// A mutex that an uninstrumented library destroys (libgrpc's endpoints, channels, pools) is
// not annotated: when it dies follows from that library's reference counts, which TSan cannot
// see, so it reported each such destruction as racing the last lock (server_test). This is the
// rule ignore_noninstrumented_modules=1 (scripts/test.sh) applies to those libraries' other
// memory accesses. Mutexes the project destroys are still checked.
Mutex::~Mutex() {
  REAL(void (*)(Mutex*), "5MutexD1Ev");
  if (CalledFromProgram(__builtin_return_address(0))) __tsan_mutex_destroy(this, 0);
  real(this);
}

void Mutex::Lock() {
  REAL(void (*)(Mutex*), "5Mutex4LockEv");
  __tsan_mutex_pre_lock(this, 0);
  real(this);
  __tsan_mutex_post_lock(this, 0, 0);
}

void Mutex::ReaderLock() {
  REAL(void (*)(Mutex*), "5Mutex10ReaderLockEv");
  __tsan_mutex_pre_lock(this, kRead);
  real(this);
  __tsan_mutex_post_lock(this, kRead, 0);
}

bool Mutex::TryLock() {
  REAL(bool (*)(Mutex*), "5Mutex7TryLockEv");
  __tsan_mutex_pre_lock(this, kTry);
  const bool locked = real(this);
  __tsan_mutex_post_lock(this, kTry | (locked ? 0 : kTryFailed), 0);
  return locked;
}

bool Mutex::ReaderTryLock() {
  REAL(bool (*)(Mutex*), "5Mutex13ReaderTryLockEv");
  __tsan_mutex_pre_lock(this, kRead | kTry);
  const bool locked = real(this);
  __tsan_mutex_post_lock(this, kRead | kTry | (locked ? 0 : kTryFailed), 0);
  return locked;
}

void Mutex::Unlock() {
  REAL(void (*)(Mutex*), "5Mutex6UnlockEv");
  __tsan_mutex_pre_unlock(this, 0);
  real(this);
  __tsan_mutex_post_unlock(this, 0);
}

void Mutex::ReaderUnlock() {
  REAL(void (*)(Mutex*), "5Mutex12ReaderUnlockEv");
  __tsan_mutex_pre_unlock(this, kRead);
  real(this);
  __tsan_mutex_post_unlock(this, kRead);
}

// The *When forms return holding the lock (whether or not the condition became true). The
// library's *WithTimeout forms call its *WithDeadline ones (through the PLT, so the ones here):
// annotated once, here as there, they forward to the deadline forms.
void Mutex::LockWhen(const Condition& cond) {
  REAL(void (*)(Mutex*, const Condition&), "5Mutex8LockWhenERKNS0_9ConditionE");
  __tsan_mutex_pre_lock(this, 0);
  real(this, cond);
  __tsan_mutex_post_lock(this, 0, 0);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  REAL(void (*)(Mutex*, const Condition&), "5Mutex14ReaderLockWhenERKNS0_9ConditionE");
  __tsan_mutex_pre_lock(this, kRead);
  real(this, cond);
  __tsan_mutex_post_lock(this, kRead, 0);
}

bool Mutex::LockWhenWithTimeout(const Condition& cond, absl::Duration timeout) {
  return LockWhenWithDeadline(cond, absl::Now() + timeout);
}

bool Mutex::LockWhenWithDeadline(const Condition& cond, absl::Time deadline) {
  REAL(bool (*)(Mutex*, const Condition&, absl::Time),
       "5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  __tsan_mutex_pre_lock(this, 0);
  const bool r = real(this, cond, deadline);
  __tsan_mutex_post_lock(this, 0, 0);
  return r;
}

bool Mutex::ReaderLockWhenWithTimeout(const Condition& cond, absl::Duration timeout) {
  return ReaderLockWhenWithDeadline(cond, absl::Now() + timeout);
}

bool Mutex::ReaderLockWhenWithDeadline(const Condition& cond, absl::Time deadline) {
  REAL(bool (*)(Mutex*, const Condition&, absl::Time),
       "5Mutex26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  __tsan_mutex_pre_lock(this, kRead);
  const bool r = real(this, cond, deadline);
  __tsan_mutex_post_lock(this, kRead, 0);
  return r;
}

// Await and CondVar::Wait release the (exclusively held) mutex while waiting and hold it again
// on return: an unlock and a lock to TSan. The wait itself is inside the unlock (between
// pre_unlock and post_unlock TSan ignores accesses), as in abseil's own annotations: the library
// evaluates the condition in there, and TSan must not take those reads for unguarded ones.
void Mutex::Await(const Condition& cond) {
  REAL(void (*)(Mutex*, const Condition&), "5Mutex5AwaitERKNS0_9ConditionE");
  __tsan_mutex_pre_unlock(this, 0);
  real(this, cond);
  __tsan_mutex_post_unlock(this, 0);
  __tsan_mutex_pre_lock(this, 0);
  __tsan_mutex_post_lock(this, 0, 0);
}

bool Mutex::AwaitWithTimeout(const Condition& cond, absl::Duration timeout) {
  return AwaitWithDeadline(cond, absl::Now() + timeout);
}

bool Mutex::AwaitWithDeadline(const Condition& cond, absl::Time deadline) {
  REAL(bool (*)(Mutex*, const Condition&, absl::Time),
       "5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  __tsan_mutex_pre_unlock(this, 0);
  const bool r = real(this, cond, deadline);
  __tsan_mutex_post_unlock(this, 0);
  __tsan_mutex_pre_lock(this, 0);
  __tsan_mutex_post_lock(this, 0, 0);
  return r;
}

void CondVar::Wait(Mutex* mu) {
  REAL(void (*)(CondVar*, Mutex*), "7CondVar4WaitEPNS0_5MutexE");
  __tsan_mutex_pre_unlock(mu, 0);
  real(this, mu);
  __tsan_mutex_post_unlock(mu, 0);
  __tsan_mutex_pre_lock(mu, 0);
  __tsan_mutex_post_lock(mu, 0, 0);
}

bool CondVar::WaitWithTimeout(Mutex* mu, absl::Duration timeout) {
  return WaitWithDeadline(mu, absl::Now() + timeout);
}

bool CondVar::WaitWithDeadline(Mutex* mu, absl::Time deadline) {
  REAL(bool (*)(CondVar*, Mutex*, absl::Time), "7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  __tsan_mutex_pre_unlock(mu, 0);
  const bool r = real(this, mu, deadline);
  __tsan_mutex_post_unlock(mu, 0);
  __tsan_mutex_pre_lock(mu, 0);
  __tsan_mutex_post_lock(mu, 0, 0);
  return r;
}

// Notify releases on the notification and on its flag (HasBeenNotified() is inline: an atomic
// acquire load of the flag in instrumented code, which TSan pairs with this release); the
// waits acquire once notified.
namespace {
void* NotifiedFlag(const Notification* n) {
  // The flag follows the mutex (notification.h: `Mutex mutex_; std::atomic<bool> notified_yet_;`).
  static_assert(sizeof(Notification) >= sizeof(Mutex) + sizeof(bool), "layout changed");
  return const_cast<char*>(reinterpret_cast<const char*>(n) + sizeof(Mutex));
}
}  // namespace

void Notification::Notify() {
  REAL(void (*)(Notification*), "12Notification6NotifyEv");
  __tsan_release(this);
  __tsan_release(NotifiedFlag(this));
  real(this);
}

void Notification::WaitForNotification() const {
  REAL(void (*)(const Notification*), "12Notification19WaitForNotificationEv", true);
  real(this);
  __tsan_acquire(const_cast<Notification*>(this));
}

bool Notification::WaitForNotificationWithTimeout(absl::Duration timeout) const {
  REAL(bool (*)(const Notification*, absl::Duration),
       "12Notification30WaitForNotificationWithTimeoutENS0_8DurationE", true);
  const bool r = real(this, timeout);
  if (r) __tsan_acquire(const_cast<Notification*>(this));
  return r;
}

bool Notification::WaitForNotificationWithDeadline(absl::Time deadline) const {
  REAL(bool (*)(const Notification*, absl::Time),
       "12Notification31WaitForNotificationWithDeadlineENS0_4TimeE", true);
  const bool r = real(this, deadline);
  if (r) __tsan_acquire(const_cast<Notification*>(this));
  return r;
}

ABSL_NAMESPACE_END
}  // namespace absl
