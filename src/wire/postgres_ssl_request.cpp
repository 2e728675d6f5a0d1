#include "wire/postgres_ssl_request.hpp"

namespace sy::wire {

ssl_request_match match_postgres_ssl_request(std::span<const std::byte> bytes) noexcept {
    const size_t n = bytes.size() < postgres_ssl_request.size() ? bytes.size() : postgres_ssl_request.size();
    for (size_t i = 0; i < n; ++i)
        if (bytes[i] != postgres_ssl_request[i]) return ssl_request_match::no;
    return n == postgres_ssl_request.size() ? ssl_request_match::yes : ssl_request_match::need_more;
}

}  // namespace sy::wire
