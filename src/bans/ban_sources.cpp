#include "bans/ban_sources.hpp"

namespace sy::bans {

ban_sources::ban_sources(std::string file, std::vector<std::string> entry_points, std::string crowdsec_url,
                         ban_list_sink publish)
    : publish_(std::move(publish)) {
    auto v = std::make_shared<ban_list_version>();
    v->set = std::make_shared<const ban_set>();
    v->file = std::move(file);
    v->entry_points = std::move(entry_points);
    if (!crowdsec_url.empty()) {
        v->crowdsec.emplace();
        v->crowdsec->url = std::move(crowdsec_url);
    }
    current_ = v;
    publish_(v);
}

bool ban_sources::file_loaded(std::vector<ban_entry> entries, std::vector<ban_line_error> skipped,
                              unix_seconds now) {
    const bool rebuild = entries != file_part_ || current_->generation == 0;
    if (!rebuild && skipped == current_->skipped && current_->read_error.empty()) return false;
    auto v = std::make_shared<ban_list_version>(*current_);
    v->skipped = std::move(skipped);
    v->read_error.clear();
    if (rebuild) file_part_ = std::move(entries);
    publish(std::move(v), rebuild, now);
    return rebuild;
}

void ban_sources::file_failed(std::string why) {
    auto v = std::make_shared<ban_list_version>(*current_);
    v->read_error = std::move(why);
    publish(std::move(v), false, 0);
}

void ban_sources::crowdsec_pulled(crowdsec_status status, const std::vector<ban_entry>* decisions,
                                  unix_seconds now) {
    auto v = std::make_shared<ban_list_version>(*current_);
    v->crowdsec = std::move(status);
    const bool rebuild = decisions && *decisions != crowdsec_part_;
    if (rebuild) crowdsec_part_ = *decisions;
    publish(std::move(v), rebuild, now);
}

void ban_sources::publish(std::shared_ptr<ban_list_version> v, bool rebuild, unix_seconds now) {
    if (rebuild) {
        // One set from both parts: a lookup stays one binary search however many sources there are.
        std::vector<ban_entry> all;
        all.reserve(file_part_.size() + crowdsec_part_.size());
        all.insert(all.end(), file_part_.begin(), file_part_.end());
        all.insert(all.end(), crowdsec_part_.begin(), crowdsec_part_.end());
        v->set = std::make_shared<const ban_set>(all);
        v->file_entries = file_part_.size();
        v->loaded_at = now;
        ++v->generation;
    }
    current_ = v;
    publish_(std::move(v));
}

}  // namespace sy::bans
