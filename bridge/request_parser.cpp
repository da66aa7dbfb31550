// Verilator's makefile appends -Os to user files; this is a hot path.
#pragma GCC optimize("O2")
#include "request_parser.h"

#include <random>

namespace ms {

using json = nlohmann::json;

namespace {

const char* kPlaceholderKey = "\x01mirrorsim-compact-items";

// Builds the tree like nlohmann's own SAX DOM builder, diverting eligible
// `items` arrays into CompactItems.
class Builder {
public:
    Builder(json& root, std::vector<CompactItems>& captures, uint64_t nonce)
        : root_(root), captures_(captures), nonce_(nonce) {}

    bool null() { return scalar(json(nullptr)); }
    bool boolean(bool v) { return scalar(json(v)); }
    bool number_integer(json::number_integer_t v) { return scalar(json(v)); }
    bool number_unsigned(json::number_unsigned_t v) {
        if (capturing_ && depth_in_items_ == 1 && skip_depth_ == 0) {
            token(CompactItems::unsigned_number, 0, v);
            return true;
        }
        return scalar(json(v));
    }
    bool number_float(json::number_float_t v, const std::string&) { return scalar(json(v)); }
    bool string(std::string& v) {
        if (capturing_ && depth_in_items_ == 1 && skip_depth_ == 0) {
            CompactItems& c = captures_.back();
            token(CompactItems::text, static_cast<uint32_t>(v.size()), c.arena.size());
            c.arena += v;
            return true;
        }
        return scalar(json(std::move(v)));
    }
    bool binary(json::binary_t& v) { return scalar(json(std::move(v))); }

    bool start_object(std::size_t) {
        if (capturing_) return capture_open();
        pending_items_ = false;
        stack_.push_back(place(json::object()));
        frames_.push_back(Frame{false});
        return true;
    }
    bool key(std::string& k) {
        if (capturing_) return true;  // keys of a wrongly shaped item
        json& obj = *stack_.back();
        // A request object: the root, or an element of the root's `cmds`.
        const bool request = stack_.size() == 1 || (stack_.size() == 3 && frames_[1].is_cmds);
        pending_items_ = request && k == "items";
        pending_cmds_ = stack_.size() == 1 && k == "cmds";
        slot_ = &obj[k];
        return true;
    }
    bool end_object() {
        if (capturing_) return capture_close();
        stack_.pop_back();
        frames_.pop_back();
        return true;
    }
    bool start_array(std::size_t) {
        if (capturing_) return capture_open();
        if (pending_items_) {
            pending_items_ = false;
            captures_.emplace_back();
            capturing_ = true;
            depth_in_items_ = 0;
            skip_depth_ = 0;
            return true;
        }
        const bool is_cmds = pending_cmds_;
        pending_cmds_ = false;
        stack_.push_back(place(json::array()));
        frames_.push_back(Frame{is_cmds});
        return true;
    }
    bool end_array() {
        if (capturing_) {
            if (skip_depth_ > 0) {
                --skip_depth_;
                return true;
            }
            if (depth_in_items_ == 1) {
                depth_in_items_ = 0;
                return true;
            }
            // The `items` array itself is complete.
            capturing_ = false;
            *slot_ = json{{kPlaceholderKey, json::array({nonce_, captures_.size() - 1})}};
            return true;
        }
        stack_.pop_back();
        frames_.pop_back();
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
        return false;
    }

private:
    struct Frame {
        bool is_cmds;
    };

    json* place(json&& v) {
        if (stack_.empty()) {
            root_ = std::move(v);
            return &root_;
        }
        json& top = *stack_.back();
        if (top.is_array()) {
            top.get_ref<json::array_t&>().push_back(std::move(v));
            return &top.get_ref<json::array_t&>().back();
        }
        *slot_ = std::move(v);
        return slot_;
    }
    bool scalar(json&& v) {
        if (capturing_) {
            if (skip_depth_ > 0) return true;
            if (depth_in_items_ == 0) {  // an item that is not an array
                captures_.back().shape_ok = false;
                return true;
            }
            CompactItems& c = captures_.back();
            token(CompactItems::other, 0, c.others.size());
            c.others.push_back(std::move(v));
            return true;
        }
        pending_items_ = false;
        pending_cmds_ = false;
        place(std::move(v));
        return true;
    }
    void token(CompactItems::Kind kind, uint32_t length, uint64_t value) {
        CompactItems& c = captures_.back();
        c.tokens.push_back(CompactItems::Token{kind, length, value});
        ++c.item_sizes.back();
    }
    bool capture_open() {
        if (skip_depth_ > 0 || depth_in_items_ == 1) {
            // Deeper than a flat item: note it and skip to the matching close.
            captures_.back().shape_ok = false;
            ++skip_depth_;
            return true;
        }
        // An item starts (an object here is a wrongly shaped item).
        depth_in_items_ = 1;
        captures_.back().item_sizes.push_back(0);
        return true;
    }
    bool capture_close() {
        if (skip_depth_ > 0) {
            --skip_depth_;
            return true;
        }
        // Closing an object that opened an item.
        captures_.back().shape_ok = false;
        depth_in_items_ = 0;
        return true;
    }

    json& root_;
    std::vector<CompactItems>& captures_;
    uint64_t nonce_;
    std::vector<json*> stack_;
    std::vector<Frame> frames_;
    json* slot_ = nullptr;
    bool pending_items_ = false;
    bool pending_cmds_ = false;
    bool capturing_ = false;
    int depth_in_items_ = 0;
    int skip_depth_ = 0;
};

}  // namespace

json CompactItems::token_json(const Token& t) const {
    switch (t.kind) {
        case text: return json(token_text(t));
        case unsigned_number: return json(t.value);
        default: return others[t.value];
    }
}

bool ParsedRequest::parse(const char* data, size_t size) {
    if (nonce_ == 0) nonce_ = std::random_device{}() | 1u;
    root_ = json();
    captures_.clear();
    Builder builder(root_, captures_, nonce_);
    if (!json::sax_parse(data, data + size, &builder)) {
        root_ = json();
        captures_.clear();
        return false;
    }
    return true;
}

const CompactItems* ParsedRequest::compact(const json& field) const {
    if (!field.is_object() || field.size() != 1) return nullptr;
    auto it = field.find(kPlaceholderKey);
    if (it == field.end() || !it->is_array() || it->size() != 2) return nullptr;
    const json& nonce = (*it)[0];
    const json& index = (*it)[1];
    if (!nonce.is_number_unsigned() || nonce.get<uint64_t>() != nonce_) return nullptr;
    if (!index.is_number_unsigned() || index.get<uint64_t>() >= captures_.size()) return nullptr;
    return &captures_[index.get<size_t>()];
}

}  // namespace ms
