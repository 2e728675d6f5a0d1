#include "base/text.hpp"

#include <algorithm>
#include <vector>

namespace sy {

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && ascii_lower(a) == ascii_lower(b);
}

size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

std::string closest_match(std::string_view word, std::span<const std::string> candidates) {
    const std::string w = ascii_lower(word);
    std::string best;
    size_t best_distance = std::max<size_t>(2, w.size() / 3) + 1;
    for (const auto& c : candidates) {
        size_t d = edit_distance(w, ascii_lower(c));
        if (d < best_distance) {
            best_distance = d;
            best = c;
        }
    }
    return best;
}

namespace {

std::vector<std::string> name_words(std::string_view name) {
    std::vector<std::string> out;
    std::string word;
    for (char c : name) {
        if (c == '-' || c == '_' || c == '.') {
            if (!word.empty()) out.push_back(std::move(word));
            word.clear();
        } else {
            word += c;
        }
    }
    if (!word.empty()) out.push_back(std::move(word));
    return out;
}

bool has_word(std::string_view name, std::string_view word) {
    for (const auto& w : name_words(name))
        if (iequals(w, word)) return true;
    return false;
}

}  // namespace

std::string closest_name(std::string_view word, std::span<const std::string> candidates) {
    if (word.empty()) return {};
    for (const auto& c : candidates)
        if (iequals(c, word)) return c;
    std::string best;
    for (const auto& c : candidates) {
        // The shortest such candidate is the least surprising: `smtp` → `mail-smtp` before `mail-smtp-relay`.
        if ((has_word(c, word) || has_word(word, c)) && (best.empty() || c.size() < best.size())) best = c;
    }
    if (!best.empty()) return best;
    return closest_match(word, candidates);
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

std::vector<std::string> split_list(std::string_view s, char sep) {
    std::vector<std::string> out;
    if (s.empty()) return out;
    for (;;) {
        auto pos = s.find(sep);
        out.emplace_back(trim(s.substr(0, pos)));
        if (pos == std::string_view::npos) break;
        s.remove_prefix(pos + 1);
    }
    return out;
}

}  // namespace sy
