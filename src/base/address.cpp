#include "base/address.hpp"

#include <charconv>

#include "base/concat.hpp"
#include "base/text.hpp"

namespace sy {

ip_address unmap(const ip_address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped())
        return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
    return a;
}

result<ip_address> parse_ip(std::string_view text) {
    if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
    boost::system::error_code ec;
    auto a = boost::asio::ip::make_address(std::string(text), ec);
    if (ec) return diagnostic{"", "invalid IP address \"" + std::string(text) + "\""};
    return a;
}

bool cidr::contains(const ip_address& raw) const {
    const ip_address a = unmap(raw);
    if (a.is_v4() != network.is_v4()) return false;
    auto bytes_match = [&](const auto& x, const auto& y) {
        unsigned bits = prefix;
        for (size_t i = 0; i < x.size() && bits > 0; ++i) {
            unsigned take = bits >= 8 ? 8 : bits;
            auto mask = static_cast<unsigned char>(0xFF << (8 - take));
            if ((x[i] & mask) != (y[i] & mask)) return false;
            bits -= take;
        }
        return true;
    };
    if (a.is_v4()) return bytes_match(a.to_v4().to_bytes(), network.to_v4().to_bytes());
    return bytes_match(a.to_v6().to_bytes(), network.to_v6().to_bytes());
}

std::string cidr::to_string() const { return network.to_string() + "/" + std::to_string(prefix); }

result<cidr> parse_cidr(std::string_view text) {
    const std::string original(text);
    auto slash = text.find('/');
    auto ip = parse_ip(text.substr(0, slash));
    if (!ip) return diagnostic{"", "invalid CIDR \"" + original + "\""};
    cidr c{unmap(*ip), 0};
    const unsigned max = c.network.is_v4() ? 32 : 128;
    if (slash == std::string_view::npos) {
        c.prefix = max;
        return c;
    }
    auto bits = text.substr(slash + 1);
    unsigned n = 0;
    auto [p, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), n);
    if (ip->is_v6() && c.network.is_v4()) {
        // IPv4-mapped (::ffff:a.b.c.d/p): the prefix counts the 96 mapping bits, as Go's net.ParseCIDR, so
        // ::ffff:0:0/96 is every IPv4 address. A shorter prefix would reach past the mapped block.
        if (bits.empty() || ec != std::errc{} || p != bits.data() + bits.size() || n < 96 || n > 128)
            return diagnostic{"", "invalid CIDR \"" + original + "\": an IPv4-mapped prefix length must be 96-128"};
        c.prefix = n - 96;
        return c;
    }
    if (bits.empty() || ec != std::errc{} || p != bits.data() + bits.size() || n > max)
        return diagnostic{"", "invalid CIDR \"" + original + "\": prefix length must be 0-" + std::to_string(max)};
    c.prefix = n;
    return c;
}

result<host_port> parse_host_port(std::string_view text) {
    const std::string original(text);
    auto bad = [&](std::string why) { return diagnostic{"", "invalid address \"" + original + "\": " + why}; };
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad("missing port (write host:port or :port)");
    std::string_view host = text.substr(0, colon), port = text.substr(colon + 1);
    if (!host.empty() && host.front() == '[') {
        if (host.back() != ']') return bad("unclosed '['");
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
        return bad("IPv6 addresses need brackets, as in [::1]:25");
    }
    unsigned n = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (port.empty() || ec != std::errc{} || p != port.data() + port.size()) return bad("port is not a number");
    if (n == 0 || n > 65535) return bad("port " + std::string(port) + " out of range 1-65535");
    return host_port{std::string(host), static_cast<uint16_t>(n)};
}

result<host_port> parse_listen_address(std::string_view text) {
    text = trim(text);
    // Traefik's `[host]:port[/tcp|/udp]`: a '/' after any ']' starts the protocol.
    if (size_t slash = text.rfind('/'); slash != std::string_view::npos && text.find(']', slash) == text.npos) {
        const std::string proto = ascii_lower(text.substr(slash + 1));
        if (proto == "udp")
            return diagnostic{"", "UDP entrypoints are not supported (Switchyard routes TCP only); remove the "
                                  "entrypoint or use /tcp"};
        if (proto != "tcp") return diagnostic{"", "unknown protocol \"" + proto + "\" (use /tcp)"};
        text = text.substr(0, slash);
    }
    return parse_host_port(text);
}

std::string format_host_port(std::string_view host, uint16_t port) {
    if (host.find(':') != std::string_view::npos) return concat("[", host, "]:", std::to_string(port));
    return concat(host, ":", std::to_string(port));
}

}  // namespace sy
