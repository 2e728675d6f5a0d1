#include "tls/acme_json.hpp"

#include <nlohmann/json.hpp>

namespace sy::tls {

namespace {

int b64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

}  // namespace

bool decode_base64(std::string_view in, std::string& out) {
    out.clear();
    unsigned acc = 0;
    int bits = 0;
    size_t padding = 0;
    for (char c : in) {
        if (c == '=') {
            ++padding;
            continue;
        }
        if (padding) return false;  // data after padding
        const int v = b64_value(c);
        if (v < 0) return false;
        acc = (acc << 6) | unsigned(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(char((acc >> bits) & 0xFF));
        }
    }
    return padding <= 2 && (in.size() % 4 == 0 || padding == 0);
}

std::vector<extra_certificate> parse_acme_json(std::string_view text, std::string_view label) {
    std::vector<extra_certificate> out;
    const std::string file = "acme.json " + std::string(label);
    auto fail = [&](std::string source, std::string why) { out.push_back({std::move(source), {}, {}, std::move(why)}); };
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded()) {
        fail(file, file + ": not JSON");
        return out;
    }
    if (!doc.is_object()) {
        fail(file, file + ": not a Traefik acme.json (expected an object of resolvers)");
        return out;
    }
    for (const auto& [resolver, store] : doc.items()) {
        if (!store.is_object()) continue;
        auto certs = store.find("Certificates");
        if (certs == store.end() || certs->is_null()) continue;  // an account without certificates yet
        const std::string where = file + " (" + resolver + ")";
        if (!certs->is_array()) {
            fail(where, where + ": Certificates is not a list");
            continue;
        }
        size_t index = 0;
        for (const auto& c : *certs) {
            std::string source = where + " #" + std::to_string(index++);
            if (c.is_object()) {
                if (auto d = c.find("domain"); d != c.end() && d->is_object()) {
                    if (auto m = d->find("main"); m != d->end() && m->is_string()) source = where + " " + m->get<std::string>();
                }
            }
            auto text_of = [&](const char* k, std::string& decoded) {
                if (!c.is_object()) return false;
                auto v = c.find(k);
                return v != c.end() && v->is_string() && decode_base64(v->get<std::string>(), decoded) && !decoded.empty();
            };
            extra_certificate e{source, {}, {}, {}};
            if (!text_of("certificate", e.cert_pem)) e.error = source + ": no base64 \"certificate\"";
            else if (!text_of("key", e.key_pem)) e.error = source + ": no base64 \"key\"";
            if (c.is_object()) {
                if (auto st = c.find("Store"); st != c.end() && st->is_string() && !st->get<std::string>().empty() &&
                                               st->get<std::string>() != "default" && e.error.empty())
                    e.error = source + ": for store \"" + st->get<std::string>() + "\", not the default store: not served";
            }
            out.push_back(std::move(e));
        }
    }
    return out;
}

std::vector<extra_certificate> load_acme_json(const std::string& path, std::vector<file_stamp>& read) {
    auto text = read_file_or_content("acmeJSON", path, read);
    if (!text) return {{"acme.json " + path, {}, {}, text.error().to_string()}};
    return parse_acme_json(text->text, path);
}

}  // namespace sy::tls
