#include "forwarder/buffer_pool.hpp"

namespace sy::forwarder {

buffer_lease& buffer_lease::operator=(buffer_lease&& other) noexcept {
    if (this != &other) {
        release();
        pool_ = other.pool_;
        data_ = std::move(other.data_);
    }
    return *this;
}

buffer_lease::~buffer_lease() { release(); }

size_t buffer_lease::size() const { return data_ ? buffer_pool::buffer_size : 0; }

void buffer_lease::release() {
    if (data_ && pool_) pool_->give_back(std::move(data_));
    data_.reset();
}

buffer_lease buffer_pool::acquire() {
    ++lent_;
    if (!free_.empty()) {
        auto data = std::move(free_.back());
        free_.pop_back();
        return {this, std::move(data)};
    }
    // for_overwrite: no zeroing, the bytes are always written before they are read.
    return {this, std::make_unique_for_overwrite<std::byte[]>(buffer_size)};
}

void buffer_pool::give_back(std::unique_ptr<std::byte[]> data) {
    --lent_;
    // Beyond max_free the memory goes back to the allocator: a burst does not pin its peak for ever.
    if (free_.size() < max_free_) free_.push_back(std::move(data));
}

}  // namespace sy::forwarder
