#pragma once
// The ban list's sources merged into the one set the workers look clients up in: the ban file (banList.filename)
// and the CrowdSec bouncer (banList.crowdsec). Each source reports its whole part; every change of a part rebuilds
// the set from both, on the control thread, and publishes it whole: the workers only ever swap a pointer.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bans/ban_file.hpp"
#include "bans/ban_set.hpp"

namespace sy::bans {

/// The CrowdSec bouncer as the API shows it.
struct crowdsec_status {
    std::string url;
    size_t decisions = 0;         ///< ban decisions held (some may have expired since the last pull)
    unix_seconds last_pull = 0;   ///< the last answer from the LAPI (0: none yet)
    uint64_t pulls = 0;           ///< answers taken
    std::string error;            ///< why the last pull failed; the decisions held stay in force meanwhile
    friend bool operator==(const crowdsec_status&, const crowdsec_status&) = default;
};

/// One version of the ban list, immutable: what the workers look up and what the API shows.
struct ban_list_version {
    std::shared_ptr<const ban_set> set;       ///< never null: the file's entries and CrowdSec's decisions
    std::string file;                         ///< banList.filename (empty: no file)
    std::vector<std::string> entry_points;    ///< empty: every TCP entrypoint
    unix_seconds loaded_at = 0;               ///< when `set` was built (unix seconds)
    uint64_t generation = 0;                  ///< 1 for the first set, +1 per rebuild
    size_t file_entries = 0;                  ///< of set->entries(), the file's
    std::vector<ban_line_error> skipped;      ///< the file's malformed lines
    std::string read_error;                   ///< the file's last failed read (its last good entries stay)
    std::optional<crowdsec_status> crowdsec;  ///< set when banList.crowdsec.url is
};

using ban_list_sink = std::function<void(std::shared_ptr<const ban_list_version>)>;

class ban_sources {
public:
    /// Publishes a first, empty version at once (generation 0), so the API shows the list before any source spoke.
    ban_sources(std::string file, std::vector<std::string> entry_points, std::string crowdsec_url,
                ban_list_sink publish);

    /// The file was read: its entries replace the file's part. True when they differ from the last ones (the set
    /// was rebuilt); a read that found the same entries publishes only its skipped lines and a cleared read error.
    bool file_loaded(std::vector<ban_entry> entries, std::vector<ban_line_error> skipped, unix_seconds now);
    /// The file could not be read: its last entries stay in force.
    void file_failed(std::string why);
    /// A pull's outcome: the bouncer's status, and its decisions when they changed (null: unchanged).
    void crowdsec_pulled(crowdsec_status status, const std::vector<ban_entry>* decisions, unix_seconds now);

    const std::shared_ptr<const ban_list_version>& current() const { return current_; }

private:
    void publish(std::shared_ptr<ban_list_version> v, bool rebuild, unix_seconds now);

    std::vector<ban_entry> file_part_, crowdsec_part_;
    std::shared_ptr<const ban_list_version> current_;
    ban_list_sink publish_;
};

}  // namespace sy::bans
