#include "decoder/readers.hpp"
#include "decoder/schema.hpp"
#include "sy_catch.hpp"

using namespace sy::decoder;

namespace {

struct inner {
    int version = 2;
};
struct item {
    std::string main;
    std::vector<std::string> sans;
};
struct element {
    std::string rule;
    bool flag = false;
    int64_t priority = 0;
    sy::duration wait{};
    std::vector<std::string> list;
    std::optional<inner> pp;
    std::vector<item> items;
};
struct root_t {
    std::map<std::string, element> elements;
    bool enabled = false;
    std::string name;
};

const type_desc& schema() {
    static const type_desc& d = [] () -> const type_desc& {
        const auto& in = structure({leaf("version", &inner::version)});
        const auto& it = structure({leaf("main", &item::main), leaf("sans", &item::sans)});
        const auto& el = structure({
            leaf("rule", &element::rule),
            leaf("flag", &element::flag),
            leaf("priority", &element::priority),
            leaf("wait", &element::wait),
            leaf("list", &element::list),
            optional("proxyProtocol", &element::pp, in, true),
            slice("items", &element::items, it),
            ignored("http", "HTTP-only", false, true),
        });
        const auto& section = structure<root_t>({leaf("name", &root_t::name)}, &root_t::enabled);
        return structure({
            map("elements", &root_t::elements, el),
            field{"section", &section, [](void* s) { return s; }, {}},
        });
    }();
    return d;
}

root_t bind_flags(std::vector<std::string> args, bind_context& ctx) {
    auto tree = read_flags(args);
    REQUIRE(tree);
    root_t out;
    ctx.style = key_style::flag;
    ctx.prefix = "--";
    schema().bind(*tree, &out, ctx);
    return out;
}

}  // namespace

TEST_CASE("binder: leaves, lists, slices, case-insensitive keys, names keep their spelling") {
    bind_context ctx;
    auto r = bind_flags({"--Elements.Smtp.RULE=HostSNI(`*`)", "--elements.Smtp.flag=T", "--elements.Smtp.priority=-5",
                         "--elements.Smtp.wait=1m30s", "--elements.Smtp.list=a, b,,c", "--elements.Smtp.items[1].main=x",
                         "--elements.Smtp.items[1].sans=y,z"},
                        ctx);
    REQUIRE(ctx.errors.empty());
    REQUIRE(r.elements.count("Smtp") == 1);
    const element& e = r.elements["Smtp"];
    CHECK(e.rule == "HostSNI(`*`)");
    CHECK(e.flag);
    CHECK(e.priority == -5);
    CHECK(e.wait == std::chrono::seconds(90));
    CHECK(e.list == std::vector<std::string>{"a", "b", "", "c"});  // Traefik keeps empty elements
    REQUIRE(e.items.size() == 2);
    CHECK(e.items[1].main == "x");
    CHECK(e.items[1].sans == std::vector<std::string>{"y", "z"});
}

TEST_CASE("binder: Go ParseBool forms only") {
    for (const char* yes : {"1", "t", "T", "TRUE", "true", "True"}) {
        bind_context ctx;
        CHECK(bind_flags({std::string("--elements.a.flag=") + yes}, ctx).elements["a"].flag);
        CHECK(ctx.errors.empty());
    }
    for (const char* bad : {"yes", "on", "tRUE", ""}) {
        bind_context ctx;
        bind_flags({std::string("--elements.a.flag=") + bad}, ctx);
        REQUIRE(ctx.errors.size() == 1);
        CHECK(ctx.errors[0].where == "--elements.a.flag");
        CHECK(ctx.errors[0].what.find("not a boolean") != std::string::npos);
    }
}

TEST_CASE("binder: allowEmpty sections follow Traefik") {
    bind_context ctx;
    auto r = bind_flags({"--elements.a.proxyProtocol=true", "--elements.b.proxyProtocol=", "--elements.c.proxyProtocol=false",
                         "--elements.d.proxyProtocol.version=1", "--elements.e.proxyProtocol=yes",
                         "--elements.f.proxyProtocol=false", "--elements.f.proxyProtocol.version=1"},
                        ctx);
    CHECK(ctx.errors.empty());
    CHECK(r.elements["a"].pp->version == 2);
    CHECK(r.elements["b"].pp->version == 2);
    CHECK_FALSE(r.elements["c"].pp);
    CHECK(r.elements["d"].pp->version == 1);
    CHECK_FALSE(r.elements["e"].pp);
    CHECK_FALSE(r.elements["f"].pp);
    // "yes" and false-with-sub-keys are surprising: warned; a plain "false" is not.
    REQUIRE(ctx.warnings.size() == 2);
    CHECK(ctx.warnings[0].where == "--elements.e.proxyProtocol");
    CHECK(ctx.warnings[1].where == "--elements.f.proxyProtocol");
    CHECK(ctx.warnings[1].what.find("--elements.f.proxyProtocol.version") != std::string::npos);
}

TEST_CASE("binder: presence sections set their enabled flag") {
    bind_context ctx;
    CHECK(bind_flags({"--section"}, ctx).enabled);
    CHECK_FALSE(bind_flags({"--section=false"}, ctx).enabled);
    CHECK(bind_flags({"--section.name=x"}, ctx).enabled);
    CHECK(ctx.errors.empty());
}

TEST_CASE("binder: unknown keys name the full key and suggest the closest") {
    bind_context ctx;
    bind_flags({"--elements.a.rul=x", "--elemnts.a.rule=x", "--elements.a.zzzzzzzz=1"}, ctx);
    REQUIRE(ctx.errors.size() == 3);
    CHECK(ctx.errors[0].to_string() == "--elements.a.rul: unknown key; did you mean --elements.a.rule?");
    CHECK(ctx.errors[1].to_string() == "--elements.a.zzzzzzzz: unknown key");
    CHECK(ctx.errors[2].to_string() == "--elemnts.a.rule: unknown key; did you mean --elements.a.rule?");
}

TEST_CASE("binder: bad values name key and value") {
    bind_context ctx;
    bind_flags({"--elements.a.priority=high", "--elements.a.wait=10x", "--elements.a.rule.x=1", "--elements=3"}, ctx);
    REQUIRE(ctx.errors.size() == 4);
    CHECK(ctx.errors[0].where == "--elements");
    CHECK(ctx.errors[1].to_string().find("--elements.a.priority: invalid value \"high\"") == 0);
    CHECK(ctx.errors[2].to_string().find("--elements.a.wait: invalid value \"10x\"") == 0);
    CHECK(ctx.errors[3].where == "--elements.a.rule.x");
}

TEST_CASE("binder: ignored keys are recorded") {
    bind_context ctx;
    bind_flags({"--elements.a.http.tls.certResolver=le", "--elements.a.HTTP.middlewares=x"}, ctx);
    CHECK(ctx.errors.empty());
    CHECK(ctx.ignored == std::vector<std::string>{"--elements.a.http.tls.certResolver", "--elements.a.HTTP.middlewares"});
}

TEST_CASE("environment: names resolve against the tables; map names may hold underscores") {
    std::map<std::string, std::string> env{
        {"TRAEFIK_ELEMENTS_MY_SMTP_RULE", "r"},
        {"TRAEFIK_ELEMENTS_X_PROXYPROTOCOL_VERSION", "1"},
        {"TRAEFIK_ELEMENTS_X_ITEMS_0_MAIN", "m"},
        {"TRAEFIK_ELEMENTS_X_RULEE", "bad"},
        {"TRAEFIK_VERSION", "3.0"},  // not one of our roots: not ours
        {"SWITCHYARD_SECTION_NAME", "s"},
        {"PATH", "/bin"},
    };
    static constexpr std::string_view prefixes[] = {"TRAEFIK_", "SWITCHYARD_"};
    auto tree = read_env(env, prefixes, schema());
    REQUIRE(tree.errors.size() == 1);
    CHECK(tree.errors[0].to_string() == "TRAEFIK_ELEMENTS_X_RULEE: unknown key; did you mean TRAEFIK_ELEMENTS_X_RULE?");
    bind_context ctx;
    ctx.style = key_style::env;
    ctx.prefix = "TRAEFIK_";
    root_t out;
    schema().bind(tree.root, &out, ctx);
    CHECK(ctx.errors.empty());
    CHECK(out.elements["my_smtp"].rule == "r");
    CHECK(out.elements["x"].pp->version == 1);
    CHECK(out.elements["x"].items.at(0).main == "m");
    CHECK(out.enabled);
    CHECK(out.name == "s");
}
