#pragma once
// Per-worker pool of I/O buffers, lent only while bytes are in flight. An idle connection holds none (HAProxy's
// rule; nginx keeps two 16 KB buffers per connection for its whole life). One worker = one thread: no lock.
#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace sy::forwarder {

class buffer_pool;

/// A borrowed buffer; goes back to its pool when destroyed.
class buffer_lease {
public:
    buffer_lease() = default;
    buffer_lease(buffer_pool* pool, std::unique_ptr<std::byte[]> data) : pool_(pool), data_(std::move(data)) {}
    buffer_lease(buffer_lease&&) noexcept = default;
    buffer_lease& operator=(buffer_lease&& other) noexcept;
    buffer_lease(const buffer_lease&) = delete;
    buffer_lease& operator=(const buffer_lease&) = delete;
    ~buffer_lease();

    std::byte* data() const { return data_.get(); }
    size_t size() const;
    explicit operator bool() const { return data_ != nullptr; }
    std::span<std::byte> span() const { return {data(), size()}; }
    /// Gives the buffer back now.
    void release();

private:
    buffer_pool* pool_ = nullptr;
    std::unique_ptr<std::byte[]> data_;
};

class buffer_pool {
public:
    /// 32 KiB: a whole TLS record or ClientHello plus a PROXY header fits, and bulk copies take few syscalls.
    static constexpr size_t buffer_size = 32 * 1024;

    explicit buffer_pool(size_t max_free = 64) : max_free_(max_free) {}
    buffer_pool(const buffer_pool&) = delete;
    buffer_pool& operator=(const buffer_pool&) = delete;

    buffer_lease acquire();
    /// Buffers allocated and not yet given back (for tests and the memory figure).
    size_t lent() const { return lent_; }
    size_t free_count() const { return free_.size(); }

private:
    friend class buffer_lease;
    void give_back(std::unique_ptr<std::byte[]> data);

    size_t max_free_;
    size_t lent_ = 0;
    std::vector<std::unique_ptr<std::byte[]>> free_;
};

}  // namespace sy::forwarder
