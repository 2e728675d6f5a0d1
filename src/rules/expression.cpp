#include "rules/expression.hpp"

#include "base/text.hpp"
#include "rules/lexer.hpp"

namespace sy::rules {
namespace {

diagnostic error_at(std::string what, size_t pos) { return diagnostic{"", what + " at " + std::to_string(pos)}; }

class parser {
public:
    explicit parser(std::vector<token> tokens) : tokens_(std::move(tokens)) {}

    result<expr> parse_all() {
        if (peek().kind == token_kind::end) return diagnostic{"", "empty rule"};
        auto e = parse_or(0);
        if (!e) return e;
        if (peek().kind != token_kind::end) {
            const token& t = peek();
            std::string hint;
            if (t.kind == token_kind::identifier || t.kind == token_kind::lparen || t.kind == token_kind::not_op)
                hint = " (missing \"&&\" or \"||\"?)";
            return error_at("unexpected " + describe(t) + hint, t.pos);
        }
        return e;
    }

private:
    const token& peek() const { return tokens_[next_]; }
    const token& take() { return tokens_[next_ == tokens_.size() - 1 ? next_ : next_++]; }

    // A chain of `op`-joined operands becomes one n-ary node.
    template <class Sub>
    result<expr> parse_chain(size_t depth, token_kind op, expr::kind k, Sub sub) {
        auto first = sub(depth);
        if (!first) return first;
        if (peek().kind != op) return first;
        expr node;
        node.k = k;
        node.pos = first->pos;
        node.operands.push_back(std::move(*first));
        while (peek().kind == op) {
            take();
            auto next = sub(depth);
            if (!next) return next;
            node.operands.push_back(std::move(*next));
        }
        return node;
    }

    result<expr> parse_or(size_t depth) {
        return parse_chain(depth, token_kind::or_op, expr::kind::any_of,
                           [this](size_t d) { return parse_and(d); });
    }

    result<expr> parse_and(size_t depth) {
        return parse_chain(depth, token_kind::and_op, expr::kind::all_of,
                           [this](size_t d) { return parse_unary(d); });
    }

    result<expr> parse_unary(size_t depth) {
        if (depth >= max_expression_depth)
            return error_at("rule nests deeper than " + std::to_string(max_expression_depth) + " levels", peek().pos);
        const token& t = take();
        switch (t.kind) {
            case token_kind::not_op: {
                auto inner = parse_unary(depth + 1);
                if (!inner) return inner;
                expr node;
                node.k = expr::kind::negation;
                node.pos = t.pos;
                node.operands.push_back(std::move(*inner));
                return node;
            }
            case token_kind::lparen: {
                auto inner = parse_or(depth + 1);
                if (!inner) return inner;
                const token& close = take();
                if (close.kind != token_kind::rparen)
                    return error_at("expected ')' to close '(' at " + std::to_string(t.pos) + ", found " +
                                        describe(close),
                                    close.pos);
                return inner;
            }
            case token_kind::identifier: return parse_call(t);
            case token_kind::string:
                return error_at("unexpected " + describe(t) + " (a string must be a matcher's argument)", t.pos);
            case token_kind::end: return error_at("unexpected end of rule, expected a matcher", t.pos);
            default: return error_at("unexpected " + describe(t) + ", expected a matcher", t.pos);
        }
    }

    result<expr> parse_call(const token& name) {
        expr call;
        call.k = expr::kind::call;
        call.pos = name.pos;
        call.name = std::string(name.text);
        const token& open = take();
        if (open.kind != token_kind::lparen)
            return error_at("expected '(' after " + describe(name) + ", found " + describe(open), open.pos);
        // Go's call syntax: arguments separated by commas, one trailing comma allowed.
        while (peek().kind != token_kind::rparen) {
            const token& arg = take();
            if (arg.kind != token_kind::string) {
                std::string hint = arg.kind == token_kind::identifier
                                       ? " (arguments are quoted: `...` or \"...\")"
                                       : "";
                return error_at("expected a string argument to " + describe(name) + ", found " + describe(arg) +
                                    hint,
                                arg.pos);
            }
            call.args.push_back(arg.value);
            call.arg_pos.push_back(arg.pos);
            const token& sep = peek();
            if (sep.kind == token_kind::comma) {
                take();
                continue;
            }
            if (sep.kind != token_kind::rparen)
                return error_at("expected ',' or ')' in the arguments of " + describe(name) + ", found " +
                                    describe(sep),
                                sep.pos);
        }
        take();  // ')'
        return call;
    }

    std::vector<token> tokens_;
    size_t next_ = 0;
};

void render(const expr& e, std::string& out, bool parenthesise) {
    switch (e.k) {
        case expr::kind::call:
            out += e.name;
            out += '(';
            for (size_t i = 0; i < e.args.size(); ++i) {
                if (i) out += ", ";
                out += quote_go(e.args[i]);
            }
            out += ')';
            return;
        case expr::kind::negation:
            out += '!';
            render(e.operands.front(), out, true);
            return;
        case expr::kind::all_of:
        case expr::kind::any_of: {
            if (parenthesise) out += '(';
            const char* op = e.k == expr::kind::all_of ? " && " : " || ";
            for (size_t i = 0; i < e.operands.size(); ++i) {
                if (i) out += op;
                // && inside || needs no parentheses; anything else nested does.
                const bool inner = !(e.k == expr::kind::any_of && e.operands[i].k == expr::kind::all_of);
                render(e.operands[i], out, inner);
            }
            if (parenthesise) out += ')';
            return;
        }
    }
}

}  // namespace

result<expr> parse_expression(std::string_view text) {
    auto tokens = tokenize(text);
    if (!tokens) return tokens.error();
    return parser(std::move(*tokens)).parse_all();
}

std::string to_string(const expr& e) {
    std::string out;
    render(e, out, false);
    return out;
}

std::optional<std::string_view> resolve_name(std::string_view name, std::span<const std::string_view> canonical) {
    for (std::string_view c : canonical) {
        if (name == c) return c;
        const std::string lower = ascii_lower(c);
        if (name == lower) return c;
        std::string upper = lower, title = lower;
        for (char& ch : upper)
            if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
        if (!title.empty() && title[0] >= 'a' && title[0] <= 'z') title[0] = static_cast<char>(title[0] - 'a' + 'A');
        if (name == upper || name == title) return c;
    }
    return std::nullopt;
}

}  // namespace sy::rules
