#include "config/load_static.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/text.hpp"
#include "config/fields.hpp"
#include "config/labels.hpp"
#include "decoder/readers.hpp"

namespace sy::config {

namespace {

/// One diagnostic carrying every error, one per line, so a user fixes them all in one go.
diagnostic combine(const std::vector<diagnostic>& errors) {
    if (errors.size() == 1) return errors.front();
    std::string text;
    for (const auto& e : errors) {
        if (!text.empty()) text += "\n";
        text += e.to_string();
    }
    return diagnostic{"", text};
}

bool valid_level(std::string_view level) {
    for (const char* l : {"TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL", "PANIC"})
        if (iequals(level, l)) return true;
    return false;
}

/// What Traefik adds after decoding (static_config.go SetEffectiveConfiguration), and our own checks that need the
/// whole configuration.
void finish(static_config& c, decoder::key_style style, const std::string& prefix, std::vector<diagnostic>& errors) {
    auto key = [&](std::vector<std::string> path) { return decoder::render_key(style, prefix, path); };
    // Traefik: with no entrypoint at all, an `http` entrypoint on :80 is created.
    if (c.entry_points.empty()) {
        entry_point ep;
        ep.address = ":80";
        ep.listen = host_port{"", 80};
        c.entry_points.emplace("http", ep);
    }
    // Traefik: the internal `traefik` entrypoint (:8080) exists when the insecure API, ping or Prometheus need it and
    // the user did not define it.
    const bool wants_internal = (c.api.enabled && c.api.insecure) ||
                                (c.ping.enabled && c.ping.entry_point == "traefik") ||
                                (c.prometheus.enabled && c.prometheus.entry_point == "traefik");
    if (wants_internal && !c.entry_points.contains("traefik")) {
        entry_point ep;
        ep.address = ":8080";
        ep.listen = host_port{"", 8080};
        c.entry_points.emplace("traefik", ep);
    }
    for (auto& [name, ep] : c.entry_points) {
        if (ep.address.empty())
            errors.push_back({key({"entryPoints", name, "address"}), "missing: every entrypoint needs an address"});
        if (ep.starttls) {
            auto& st = *ep.starttls;
            st.protocol = ascii_lower(st.protocol);
            if (st.protocol != "smtp" && st.protocol != "imap" && st.protocol != "pop3" && st.protocol != "managesieve")
                errors.push_back({key({"entryPoints", name, "starttls", "protocol"}),
                                  (st.protocol.empty() ? std::string("missing") : "invalid value \"" + st.protocol + "\"") +
                                      ": use smtp, imap, pop3 or managesieve"});
            if (st.hostname.empty()) st.hostname = "localhost";
            for (char ch : st.hostname)
                if (static_cast<unsigned char>(ch) <= 0x20 || static_cast<unsigned char>(ch) >= 0x7f) {
                    errors.push_back({key({"entryPoints", name, "starttls", "hostname"}),
                                      "invalid value \"" + st.hostname + "\": a host name without blanks or controls"});
                    break;
                }
        }
    }
    if (!valid_level(c.log.level))
        errors.push_back({key({"log", "level"}), "invalid value \"" + c.log.level +
                                                     "\": use TRACE, DEBUG, INFO, WARN, ERROR, FATAL or PANIC"});
    for (auto* f : {&c.log.format, &c.access_log.format}) {
        *f = ascii_lower(*f);
        if (*f != "common" && *f != "json")
            errors.push_back({key({f == &c.log.format ? "log" : "accessLog", "format"}),
                              "invalid value \"" + *f + "\": use common or json"});
    }
    if (c.default_rule_syntax != "v2" && c.default_rule_syntax != "v3")
        errors.push_back({key({"core", "defaultRuleSyntax"}),
                          "invalid value \"" + c.default_rule_syntax + "\": use v2 or v3"});
    if (c.threads < 0) errors.push_back({key({"core", "threads"}), "invalid value: must be 0 or more"});
    c.data_path = ascii_lower(c.data_path);
    if (c.data_path != "copy" && c.data_path != "auto" && c.data_path != "sockmap")
        errors.push_back({key({"core", "dataPath"}), "invalid value \"" + c.data_path + "\": use copy, auto or sockmap"});
    c.splice_start = ascii_lower(c.splice_start);
    if (c.splice_start != "fullbuffer" && c.splice_start != "immediate")
        errors.push_back({key({"core", "spliceStart"}),
                          "invalid value \"" + c.splice_start + "\": use fullBuffer or immediate"});
    if (auto why = label_prefix_problem(c.docker.label_prefix); !why.empty())
        errors.push_back({key({"providers", "docker", "labelPrefix"}), why});
    if (auto why = label_prefix_problem(c.swarm.label_prefix); !why.empty())
        errors.push_back({key({"providers", "swarm", "labelPrefix"}), why});
    if (c.swarm.enabled && c.swarm.watch && c.swarm.refresh_seconds <= duration::zero())
        errors.push_back({key({"providers", "swarm", "refreshSeconds"}), "invalid value: must be more than 0"});
    for (const auto& name : c.ban_list.entry_points)
        if (!c.entry_points.contains(name))
            errors.push_back({key({"banList", "entryPoints"}), "entryPoint \"" + name + "\" doesn't exist"});
    if (!c.ban_list.entry_points.empty() && !c.ban_list.enabled())
        errors.push_back({key({"banList", "filename"}),
                          "missing: banList.entryPoints needs a ban list file or banList.crowdsec.url"});
    if (const auto& cs = c.ban_list.crowdsec; !cs.url.empty()) {
        if (!cs.url.starts_with("http://") && !cs.url.starts_with("https://"))
            errors.push_back({key({"banList", "crowdsec", "url"}),
                              "invalid value \"" + cs.url + "\": use http://host:port or https://host:port"});
        if (cs.api_key_file.empty())
            errors.push_back({key({"banList", "crowdsec", "apiKeyFile"}), "missing: banList.crowdsec.url needs it"});
        if (cs.poll_interval <= duration::zero())
            errors.push_back({key({"banList", "crowdsec", "pollInterval"}), "invalid value: must be more than 0"});
        if (cs.timeout <= duration::zero())
            errors.push_back({key({"banList", "crowdsec", "timeout"}), "invalid value: must be more than 0"});
    } else if (!cs.api_key_file.empty()) {
        errors.push_back({key({"banList", "crowdsec", "url"}), "missing: banList.crowdsec.apiKeyFile needs it"});
    }
}

result<static_config> bind_static(const decoder::node& root, decoder::key_style style, std::string prefix,
                                  std::vector<diagnostic> errors, std::string loaded_from) {
    static_config c;
    decoder::bind_context ctx;
    ctx.style = style;
    ctx.prefix = prefix;
    static_schema().bind(root, &c, ctx);
    errors.insert(errors.end(), ctx.errors.begin(), ctx.errors.end());
    finish(c, style, prefix, errors);
    if (!errors.empty()) return combine(errors);
    c.ignored_keys = std::move(ctx.ignored);
    for (const auto& w : ctx.warnings) c.warnings.push_back(w.to_string());
    c.loaded_from = std::move(loaded_from);
    return c;
}

std::optional<std::string> read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// paerser's file finder: base paths × extensions, first existing file wins.
std::string find_config_file(const std::map<std::string, std::string>& env) {
    std::vector<std::string> bases{"/etc/traefik/traefik"};
    // Traefik expands "$XDG_CONFIG_HOME/traefik" even when the variable is unset (giving "/traefik"); we skip it.
    if (auto it = env.find("XDG_CONFIG_HOME"); it != env.end() && !it->second.empty())
        bases.push_back(it->second + "/traefik");
    if (auto it = env.find("HOME"); it != env.end() && !it->second.empty())
        bases.push_back(it->second + "/.config/traefik");
    bases.push_back("./traefik");
    std::error_code ec;
    for (const auto& b : bases)
        for (const char* ext : {".toml", ".yaml", ".yml"})
            if (std::filesystem::is_regular_file(b + ext, ec)) return b + ext;
    return {};
}

}  // namespace

result<static_config> static_from_flags(std::span<const std::string> args) {
    auto tree = decoder::read_flags(args);
    if (!tree) return tree.error();
    return bind_static(*tree, decoder::key_style::flag, "--", {}, "flags");
}

result<static_config> static_from_env(const std::map<std::string, std::string>& env) {
    static constexpr std::string_view prefixes[] = {"TRAEFIK_", "SWITCHYARD_"};
    auto tree = decoder::read_env(env, prefixes, static_schema());
    return bind_static(tree.root, decoder::key_style::env, "TRAEFIK_", tree.errors,
                       tree.used > 0 || !tree.errors.empty() ? "environment" : "defaults");
}

result<static_config> static_from_file(std::string_view text, std::string_view file_name) {
    auto tree = decoder::read_config_file(text, file_name);
    if (!tree) return tree.error();
    return bind_static(*tree, decoder::key_style::file, "", {}, std::string(file_name));
}

result<static_config> load_static(std::span<const std::string> args, const std::map<std::string, std::string>& env) {
    auto flags = decoder::read_flags(args);
    if (!flags) return flags.error();

    std::string config_file;
    if (const decoder::node* cf = flags->find("configFile")) {
        config_file = cf->value.value_or("");
        // Traefik falls back to the other sources when the named file does not exist; a typo in the path then
        // silently loses the whole configuration. We stop instead (deliberate difference).
        std::error_code ec;
        if (config_file.empty() || !std::filesystem::is_regular_file(config_file, ec))
            return diagnostic{"--configFile", "file not found: \"" + config_file + "\""};
    } else {
        config_file = find_config_file(env);
    }

    if (!config_file.empty()) {
        auto text = read_text(config_file);
        if (!text) return diagnostic{config_file, "cannot read the configuration file"};
        auto c = static_from_file(*text, config_file);
        if (!c) return c;
        size_t other_flags = flags->children.size() - (flags->find("configFile") ? 1 : 0);
        if (other_flags > 0)
            c->warnings.push_back("configuration loaded from " + config_file +
                                  ": the other command-line flags are ignored, as Traefik does (one source only)");
        return c;
    }
    if (!args.empty()) return bind_static(*flags, decoder::key_style::flag, "--", {}, "flags");

    return static_from_env(env);
}

}  // namespace sy::config
