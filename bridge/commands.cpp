// Verilator's makefile compiles user files with -Os after the -O2 of the
// build line; JSON handling is most of a request's cost, so ask for -O2.
#pragma GCC optimize("O2")
#include "commands.h"

#include <unistd.h>

#include <cmath>
#include <cstring>
#include <ctime>
#include <functional>
#include <unordered_map>

#include "Vmodel.h"
#include "base64.h"
#include "command_args.h"
#include "input_recorder.h"
#include "scheduler.h"
#include "signal_table.h"
#include "sim_events.h"
#include "streams.h"
#include "transport.h"
#include "request_parser.h"
#include "values.h"
#include "verilated.h"
#include "waves_coverage.h"

using json = nlohmann::json;

namespace ms {

namespace {

constexpr const char* kBridgeVersion = "0.1.0";
constexpr int kProtocol = 1;
// Times stay far from overflow when added to the current time.
constexpr int64_t kMaxTime = int64_t{1} << 62;

uint64_t mono_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

std::string join(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

json describe(const Signal& s, bool with_handle) {
    json o = json::object();
    if (with_handle) o["handle"] = s.handle;
    o["name"] = s.name;
    o["width"] = s.width;
    o["kind"] = kind_name(s.kind);
    const char* dir = dir_name(s.dir);
    o["dir"] = dir ? json(dir) : json(nullptr);
    o["writable"] = s.writable;
    if (s.is_memory) {
        o["depth"] = s.depth;
        o["low"] = s.low;
        o["high"] = s.high;
    }
    return o;
}

json event_json(const SimEvent& e) {
    return {{"kind", e.kind},   {"file", e.file},       {"line", e.line},
            {"time", e.time},   {"message", e.message}, {"output", e.output}};
}

const char* kCommandNames[] = {
    "hello",         "ping",          "quit",         "stats",       "profile",
    "list",          "resolve",       "read",         "read_many",   "read_mem",
    "write",         "write_mem",     "clock",        "clock_stop",  "arm",
    "disarm",        "run",           "stream_driver", "stream_monitor", "stream_push",
    "stream_pull",   "stream_stats",  "batch",        "trace_start", "trace_stop",
    "coverage_write", "record_inputs", "record_stop"};

// Commands still served after the design ended the simulation (the doc's
// "reads": everything that only looks at the final state) and the ones
// that wind the session down.
bool allowed_after_finish(const std::string& cmd) {
    static const char* allowed[] = {"read",       "read_many",   "read_mem",     "resolve",
                                    "stream_pull", "stream_stats", "list",        "stats",
                                    "coverage_write", "trace_stop", "quit",       "batch",
                                    "run",        "record_stop"};
    for (const char* a : allowed) {
        if (cmd == a) return true;
    }
    return false;
}

// ---- the commands ------------------------------------------------------------

}  // namespace

// Large replies (stream_pull) are written as JSON text directly; the reply
// tree holds a placeholder string where the text goes.
std::string RawFragments::marker(size_t i) const {
    return "\x01mirrorsim-raw-" + std::to_string(nonce_) + "-" + std::to_string(i) + "\x01";
}

nlohmann::json RawFragments::add(std::string text) {
    texts_.push_back(std::move(text));
    return marker(texts_.size() - 1);
}

void RawFragments::splice(std::string& dumped) {
    for (size_t i = 0; i < texts_.size(); ++i) {
        // As dump() writes the marker: quoted, \x01 escaped.
        std::string m = nlohmann::json(marker(i)).dump();
        size_t at = dumped.find(m);
        if (at != std::string::npos) dumped.replace(at, m.size(), texts_[i]);
    }
    texts_.clear();
}

namespace {

class Impl {
public:
    Impl(Session& s, uint64_t start_ns, uint64_t requests, bool& quit, RawFragments& raw_text,
         const ParsedRequest* parsed)
        : s(s), start_ns(start_ns), requests(requests), quit(quit), raw_text(raw_text), parsed(parsed) {}

    Session& s;
    uint64_t start_ns;
    uint64_t requests;
    bool& quit;
    RawFragments& raw_text;
    const ParsedRequest* parsed;

    // A placeholder for ready-made JSON text, replaced after dump().
    json raw(std::string text) { return raw_text.add(std::move(text)); }

    const Signal& sig_ref(const json& v, const char* field) {
        if (v.is_string()) {
            const std::string& name = v.get_ref<const std::string&>();
            if (const Signal* sig = s.table.find(name)) return *sig;
            std::vector<std::string> c = s.table.closest(name);
            fail("unknown_signal",
                 "no signal '" + name + "' in " + s.table.top_name() +
                     (c.empty() ? "" : "; closest: " + join(c)),
                 {{"candidates", c}});
        }
        if (v.is_number_integer()) {
            long long h = v.is_number_unsigned() && v.get<uint64_t>() > INT64_MAX
                              ? -1
                              : v.get<long long>();
            if (const Signal* sig = s.table.by_handle(h)) return *sig;
            fail("unknown_signal", "no signal with handle " + v.dump(),
                 {{"candidates", json::array()}});
        }
        bad_arg(field, std::string("'") + field + "' must be a signal name or handle, not " +
                           v.type_name());
    }

    const Signal& need_sig(const json& req, const char* field) {
        return sig_ref(need(req, field), field);
    }

    // The storage a request addresses: the signal, or one memory element.
    uint8_t* element(const Signal& sig, const json& req) {
        const json* idx = opt(req, "index");
        if (sig.is_memory) {
            if (!idx) {
                fail("index_required",
                     "'" + sig.name + "' is a memory [" + std::to_string(sig.low) + ":" +
                         std::to_string(sig.high) + "]; give an index",
                     {{"low", sig.low}, {"high", sig.high}});
            }
            int64_t i = as_int(*idx, "index", INT64_MIN / 2, INT64_MAX / 2);
            if (i < sig.low || i > sig.high) {
                fail("index_out_of_range",
                     "index " + std::to_string(i) + " is outside '" + sig.name + "' [" +
                         std::to_string(sig.low) + ":" + std::to_string(sig.high) + "]",
                     {{"index", i}, {"low", sig.low}, {"high", sig.high}});
            }
            return sig.element(static_cast<long>(i));
        }
        if (idx) fail("not_a_memory", "'" + sig.name + "' is not a memory; it takes no index");
        return sig.base;
    }

    void require_not_readonly() {
        if (s.sched.in_readonly()) {
            fail("readonly_phase",
                 "writes are not allowed in the ReadOnly phase; run to the next time step first");
        }
    }

    const Signal& need_bit(const json& req, const char* field, bool writable) {
        const Signal& sig = need_sig(req, field);
        if (!is_bit(sig)) {
            bad_arg(field, "'" + sig.name + "' must be a 1-bit signal (it is " +
                               std::to_string(sig.width) + " bits" +
                               (sig.is_memory ? ", a memory" : "") + ")");
        }
        if (writable) require_writable(sig);
        return sig;
    }

    // -- session

    json hello(const json& req) {
        int64_t version = need_int(req, "version", INT64_MIN, INT64_MAX);
        if (version != kProtocol) {
            fail("version_mismatch",
                 "the bridge speaks protocol " + std::to_string(kProtocol) + ", not " +
                     std::to_string(version),
                 {{"supported", {kProtocol}}});
        }
        return {{"protocol", kProtocol},
                {"bridge", kBridgeVersion},
                {"top", s.table.top_name()},
                {"timeunit", s.ctx->timeunit()},
                {"timeprecision", s.ctx->timeprecision()},
                {"time", s.sched.now()},
                {"seed", s.seed},
                {"pid", static_cast<int64_t>(getpid())},
                {"features", {{"trace", trace_built_in()}, {"coverage", coverage_built_in()}}}};
    }

    json quit_cmd(const json&) {
        s.sched.inputs().stop();
        if (s.waves.tracing()) {
            s.sched.dump_final_step();
            s.waves.stop();
        }
        try {
            s.model->final();
        } catch (...) {
            // A failing final block must not keep the bridge alive.
        }
        quit = true;
        return json::object();
    }

    json stats(const json&) {
        return {{"time", s.sched.now()},
                {"evals", s.sched.evals()},
                {"eval_ns", s.sched.eval_ns()},
                {"wall_ns", mono_ns() - start_ns},
                {"busy_ns", busy_ns()},
                {"requests", requests},
                {"profiling", s.sched.profiling()}};
    }

    json profile(const json& req) {
        const json& v = need(req, "enable");
        if (!v.is_boolean()) bad_arg("enable", "'enable' must be true or false");
        s.sched.set_profiling(v.get<bool>());
        return json::object();
    }

    // -- discovery and access

    json list(const json& req) {
        std::string prefix;
        if (const json* p = opt(req, "prefix")) {
            if (!p->is_string()) bad_arg("prefix", "'prefix' must be a string");
            prefix = p->get<std::string>();
        }
        json out = json::array();
        for (const auto& sig : s.table.all()) {
            if (sig.name.compare(0, prefix.size(), prefix) == 0) out.push_back(describe(sig, false));
        }
        return {{"signals", std::move(out)}};
    }

    json resolve(const json& req) {
        const json& names = need_array(req, "names");
        json out = json::array();
        for (const auto& n : names) {
            if (!n.is_string()) bad_arg("names", "'names' must hold signal names (strings)");
            out.push_back(describe(sig_ref(n, "names"), true));
        }
        return {{"handles", std::move(out)}};
    }

    json read(const json& req) {
        const Signal& sig = need_sig(req, "sig");
        uint8_t* p = element(sig, req);
        require_access(sig);
        return {{"value", value_hex(sig, p)}};
    }

    json read_many(const json& req) {
        const json& sigs = need_array(req, "sigs");
        json values = json::array();
        for (const auto& item : sigs) {
            // {"sig": .., "index": ..} addresses a memory element.
            if (item.is_object()) {
                const Signal& sig = need_sig(item, "sig");
                uint8_t* p = element(sig, item);
                require_access(sig);
                values.push_back(value_hex(sig, p));
            } else {
                const Signal& sig = sig_ref(item, "sigs");
                uint8_t* p = element(sig, json::object());
                require_access(sig);
                values.push_back(value_hex(sig, p));
            }
        }
        return {{"values", std::move(values)}};
    }

    const Signal& need_memory(const json& req) {
        const Signal& sig = need_sig(req, "sig");
        if (!sig.is_memory) fail("not_a_memory", "'" + sig.name + "' is not a memory");
        return sig;
    }

    void check_range(const Signal& sig, int64_t start, int64_t count) {
        if (start < sig.low || start > sig.high + 1 || start + count - 1 > sig.high) {
            fail("index_out_of_range",
                 "elements " + std::to_string(start) + ".." + std::to_string(start + count - 1) +
                     " are outside '" + sig.name + "' [" + std::to_string(sig.low) + ":" +
                     std::to_string(sig.high) + "]",
                 {{"index", start}, {"low", sig.low}, {"high", sig.high}});
        }
    }

    json read_mem(const json& req) {
        const Signal& sig = need_memory(req);
        require_access(sig);
        int64_t start = get_int(req, "start", INT64_MIN / 4, INT64_MAX / 4, sig.low);
        if (start < sig.low || start > sig.high) check_range(sig, start, 1);
        int64_t count = get_int(req, "count", 0, INT64_MAX / 4, sig.high - start + 1);
        if (count > 0) check_range(sig, start, count);
        json values = json::array();
        for (int64_t i = 0; i < count; ++i) values.push_back(value_hex(sig, sig.element(static_cast<long>(start + i))));
        return {{"values", std::move(values)}};
    }

    json write(const json& req) {
        const Signal& sig = need_sig(req, "sig");
        uint8_t* p = element(sig, req);
        std::string mode = "deposit";
        if (const json* m = opt(req, "mode")) {
            if (!m->is_string()) bad_arg("mode", "'mode' must be deposit, force or release");
            mode = m->get<std::string>();
            if (mode != "deposit" && mode != "force" && mode != "release") {
                bad_arg("mode", "'mode' must be deposit, force or release, not '" + mode + "'");
            }
        }
        require_writable(sig);
        Words w;
        if (mode != "release") w = to_words(need(req, "value"), sig, "value");
        require_not_readonly();
        if (mode == "release") {
            s.table.release(p);
        } else {
            write_words(sig, p, w.data());
            if (mode == "force") s.table.force(sig, p, w);
        }
        s.sched.note_write();
        return json::object();
    }

    json write_mem(const json& req) {
        const Signal& sig = need_memory(req);
        require_writable(sig);
        int64_t start = get_int(req, "start", INT64_MIN / 4, INT64_MAX / 4, sig.low);
        const json& values = need_array(req, "values");
        std::vector<Words> words;
        words.reserve(values.size());
        for (const auto& v : values) words.push_back(to_words(v, sig, "values"));
        if (!words.empty()) check_range(sig, start, static_cast<int64_t>(words.size()));
        require_not_readonly();
        for (size_t i = 0; i < words.size(); ++i) {
            write_words(sig, sig.element(static_cast<long>(start + static_cast<int64_t>(i))), words[i].data());
        }
        s.sched.note_write();
        return json::object();
    }

    // -- clocks

    json clock(const json& req) {
        const Signal& sig = need_bit(req, "sig", true);
        int64_t period = need_int(req, "period", 2, kMaxTime);
        int64_t high = get_int(req, "high", 1, period - 1, period / 2);
        bool start_high = get_bool(req, "start_high", true);
        int64_t phase = get_int(req, "phase", 0, kMaxTime, 0);
        if (phase == 0) require_not_readonly();  // the first edge is a write now
        s.sched.start_clock(&sig, static_cast<uint64_t>(period), static_cast<uint64_t>(high),
                            start_high, static_cast<uint64_t>(phase));
        return json::object();
    }

    json clock_stop(const json& req) {
        const Signal& sig = need_sig(req, "sig");
        s.sched.stop_clock(&sig);
        return json::object();
    }

    // -- triggers

    int stream_for(const json& spec, bool want_driver) {
        const std::string& name = need_string(spec, "stream");
        int i = s.streams.index_of(name);
        if (i < 0 || s.streams.at(i).is_driver != want_driver) {
            fail("unknown_stream", std::string("no stream ") + (want_driver ? "driver" : "monitor") +
                                       " named '" + name + "'");
        }
        return i;
    }

    EdgeKind edge_kind(const json& spec, EdgeKind def, bool allow_any) {
        const json* e = opt(spec, "edge");
        if (!e) return def;
        if (e->is_string()) {
            const std::string& v = e->get_ref<const std::string&>();
            if (v == "rising") return EdgeKind::rising;
            if (v == "falling") return EdgeKind::falling;
            if (v == "any" && allow_any) return EdgeKind::any;
        }
        bad_arg("edge", allow_any ? "'edge' must be rising, falling or any"
                                  : "'edge' must be rising or falling");
    }

    Trigger build_trigger(const json& spec) {
        if (!spec.is_object()) bad_arg("triggers", "each trigger must be an object");
        Trigger t;
        t.id = need_int(spec, "id", INT64_MIN, INT64_MAX);
        const std::string& kind = need_string(spec, "kind");
        if (kind == "edge") {
            t.kind = TrigKind::edge;
            const Signal& sig = need_sig(spec, "sig");
            t.sig = &sig;
            t.p = element(sig, spec);
            require_access(sig);
            t.edge = edge_kind(spec, EdgeKind::any, true);
            if (t.edge != EdgeKind::any && sig.width != 1) {
                bad_arg("edge", "rising and falling need a 1-bit signal; '" + sig.name + "' is " +
                                    std::to_string(sig.width) + " bits (use any)");
            }
        } else if (kind == "timer") {
            t.kind = TrigKind::timer;
            t.at = static_cast<uint64_t>(need_int(spec, "delay", 1, kMaxTime));
        } else if (kind == "cycles") {
            t.kind = TrigKind::cycles;
            const Signal& sig = need_bit(spec, "sig", false);
            t.sig = &sig;
            t.p = sig.base;
            t.count = static_cast<uint64_t>(need_int(spec, "count", 1, INT64_MAX));
            t.edge = edge_kind(spec, EdgeKind::rising, false);
        } else if (kind == "until") {
            t.kind = TrigKind::until;
            const Signal& sig = need_sig(spec, "sig");
            t.sig = &sig;
            t.p = element(sig, spec);
            require_access(sig);
            t.value = to_words(need(spec, "value"), sig, "value");
            if (const json* m = opt(spec, "mask")) {
                t.mask = to_words(*m, sig, "mask");
            } else {
                t.mask.assign(sig.nwords, ~0u);
                t.mask.back() = sig.top_mask;
            }
            for (size_t i = 0; i < t.value.size(); ++i) t.value[i] &= t.mask[i];
            auto low64 = [](const Words& w) {
                return w[0] | (w.size() > 1 ? static_cast<uint64_t>(w[1]) << 32 : 0);
            };
            t.value64 = low64(t.value);
            t.mask64 = low64(t.mask);
            t.clk = &need_bit(spec, "clock", false);
            t.edge = edge_kind(spec, EdgeKind::rising, false);
            t.budget = static_cast<uint64_t>(get_int(spec, "budget", 1, INT64_MAX, INT64_MAX));
        } else if (kind == "readwrite") {
            t.kind = TrigKind::readwrite;
        } else if (kind == "readonly") {
            t.kind = TrigKind::readonly;
        } else if (kind == "nexttime") {
            t.kind = TrigKind::nexttime;
        } else if (kind == "stream_items") {
            t.kind = TrigKind::stream_items;
            t.stream = stream_for(spec, false);
            if (const json* take = opt(spec, "take")) {
                if (!take->is_boolean()) bad_arg("take", "'take' must be true or false");
                t.take = take->get<bool>();
            }
            t.words = words_encoding(spec);
            if (t.words && !t.take) bad_arg("encoding", "an encoding is only for the items a 'take' delivers");
            t.count = static_cast<uint64_t>(get_int(spec, "count", 1, INT64_MAX, 1));
        } else if (kind == "stream_done") {
            t.kind = TrigKind::stream_done;
            t.stream = stream_for(spec, true);
            t.count = static_cast<uint64_t>(get_int(spec, "count", 1, INT64_MAX, 1));
        } else if (kind == "stream_idle") {
            t.kind = TrigKind::stream_idle;
            t.stream = stream_for(spec, true);
        } else {
            bad_arg("kind", "unknown trigger kind '" + kind +
                                "' (edge, timer, cycles, until, readwrite, readonly, nexttime, "
                                "stream_items, stream_done, stream_idle)");
        }
        return t;
    }

    json arm(const json& req) {
        const json& specs = need_array(req, "triggers");
        std::vector<Trigger> triggers;
        triggers.reserve(specs.size());
        for (size_t i = 0; i < specs.size(); ++i) {
            try {
                Trigger t = build_trigger(specs[i]);
                bool dup = s.sched.is_armed(t.id);
                for (const auto& other : triggers) dup |= other.id == t.id;
                if (dup) {
                    fail("duplicate_trigger", "trigger id " + std::to_string(t.id) + " is already armed",
                         {{"trigger_id", t.id}});
                }
                triggers.push_back(std::move(t));
            } catch (CmdError& e) {
                e.extra["trigger"] = i;
                throw;
            }
        }
        for (auto& t : triggers) s.sched.arm(std::move(t));
        return json::object();
    }

    json disarm(const json& req) {
        const json& ids = need_array(req, "ids");
        std::vector<long long> list;
        for (const auto& v : ids) list.push_back(as_int(v, "ids", INT64_MIN, INT64_MAX));
        for (long long id : list) s.sched.disarm(id);
        return json::object();
    }

    json run(const json& req) {
        int64_t wall = get_int(req, "max_wall_ms", 0, int64_t{1} << 40,
                               static_cast<int64_t>(s.max_wall_ms));
        if (g_finished) {
            if (s.sched.finished_reported) {
                fail("finished", "the simulation has ended", {{"finished", event_json(finish_event())}});
            }
            s.sched.finished_reported = true;
            return {{"time", s.sched.now()},
                    {"phase", phase_name(s.sched.phase())},
                    {"fired", json::array()},
                    {"finished", event_json(finish_event())}};
        }
        std::vector<Fired> fired;
        RunStatus st = s.sched.run(static_cast<uint64_t>(wall), fired);
        if (st == RunStatus::nothing_to_run) {
            fail("nothing_to_run", "no trigger is armed; arm one before run");
        }
        if (st == RunStatus::stalled) {
            fail("stalled", "triggers are armed but nothing is scheduled (no clock, no timer): "
                            "they could never fire");
        }
        json list = json::array();
        for (const auto& f : fired) {
            json o = {{"id", f.id}};
            switch (f.kind) {
                case TrigKind::edge: o["value"] = f.value; break;
                case TrigKind::until:
                    o["result"] = f.match ? "match" : "timeout";
                    o["cycles"] = f.number;
                    break;
                case TrigKind::stream_items:
                    o["available"] = f.number;
                    if (f.stream >= 0) {
                        Stream& st = s.streams.at(f.stream);
                        if (f.words) take_words(st, st.available(), o);
                        else o["items"] = raw(take_items(st, st.available()));
                    }
                    break;
                case TrigKind::stream_done:
                case TrigKind::stream_idle: o["done"] = f.number; break;
                default: break;
            }
            list.push_back(std::move(o));
        }
        json r = {{"time", s.sched.now()}, {"phase", phase_name(s.sched.phase())}, {"fired", std::move(list)}};
        if (st == RunStatus::yielded) r["yielded"] = true;
        if (st == RunStatus::finished) {
            s.sched.finished_reported = true;
            r["finished"] = event_json(finish_event());
        }
        return r;
    }

    // -- streams

    void stream_common(const json& req, Stream& st, bool driver) {
        st.name = need_string(req, "name");
        if (st.name.empty()) bad_arg("name", "'name' must not be empty");
        if (s.streams.index_of(st.name) >= 0) {
            fail("duplicate_stream", "a stream named '" + st.name + "' already exists");
        }
        const Signal& clk = need_sig(req, "clock");
        if (!s.sched.has_clock(&clk)) {
            fail("stream_clock_not_generated",
                 "'" + clk.name + "' is not a clock the bridge generates; start it with `clock` first");
        }
        st.clock = &clk;
        st.valid = &need_bit(req, "valid", driver);
        if (opt(req, "ready")) st.ready = &need_bit(req, "ready", false);
        const json& data = need_array(req, "data");
        for (const auto& d : data) {
            const Signal& sig = sig_ref(d, "data");
            if (sig.is_memory) bad_arg("data", "'" + sig.name + "' is a memory; streams carry plain signals");
            if (driver) require_writable(sig); else require_access(sig);
            st.data.push_back(&sig);
        }
    }

    json stream_driver(const json& req) {
        Stream st;
        st.is_driver = true;
        stream_common(req, st, true);
        st.idle_prob = get_prob(req, "idle_prob", 0);
        s.streams.add(std::move(st));
        s.sched.streams_changed();
        return json::object();
    }

    json stream_monitor(const json& req) {
        Stream st;
        st.is_driver = false;
        stream_common(req, st, false);
        if (opt(req, "drive_ready")) {
            st.drive_ready = get_prob(req, "drive_ready", 1);
            if (!st.ready) bad_arg("ready", "'drive_ready' needs the 'ready' signal to drive");
            require_writable(*st.ready);
        }
        s.streams.add(std::move(st));
        s.sched.streams_changed();
        return json::object();
    }

    Stream& need_stream(const json& req, int want_driver /* -1 either */) {
        const std::string& name = need_string(req, "name");
        Stream* st = s.streams.find(name);
        if (!st || (want_driver >= 0 && st->is_driver != (want_driver == 1))) {
            const char* what = want_driver < 0 ? "stream" : want_driver ? "stream driver" : "stream monitor";
            fail("unknown_stream", std::string("no ") + what + " named '" + name + "'");
        }
        return *st;
    }

    json stream_push(const json& req) {
        Stream& st = need_stream(req, 1);
        const std::string shape = "each item must be an array of " + std::to_string(st.data.size()) +
                                  " values, one per data signal";
        std::vector<uint32_t> flat;
        size_t count = 0;
        if (const json* words = opt(req, "words")) {
            if (opt(req, "items")) bad_arg("items", "give 'items' or 'words', not both");
            count = words_into(*words, st, flat);
            s.streams.push(st, flat, count);
            return {{"queued", st.queued()}};
        }
        const json& field = need(req, "items");
        if (const CompactItems* c = parsed ? parsed->compact(field) : nullptr) {
            if (!c->shape_ok) bad_arg("items", shape);
            count = c->item_sizes.size();
            flat.resize(count * st.item_words);
            uint32_t* out = flat.data();
            const CompactItems::Token* tk = c->tokens.data();
            for (uint32_t n : c->item_sizes) {
                if (n != st.data.size()) bad_arg("items", shape);
                for (const Signal* d : st.data) {
                    token_into(*c, *tk++, *d, out);
                    out += d->nwords;
                }
            }
        } else {
            if (!field.is_array()) bad_arg("items", "'items' must be an array");
            count = field.size();
            flat.resize(count * st.item_words);
            uint32_t* out = flat.data();
            for (const auto& item : field) {
                if (!item.is_array() || item.size() != st.data.size()) bad_arg("items", shape);
                for (size_t j = 0; j < st.data.size(); ++j) {
                    value_into(item[j], *st.data[j], "items", out);
                    out += st.data[j]->nwords;
                }
            }
        }
        s.streams.push(st, flat, count);
        return {{"queued", st.queued()}};
    }

    // Written as text: building a JSON tree per item costs more than the
    // simulation that produced it.
    json stream_pull(const json& req) {
        Stream& st = need_stream(req, 0);
        size_t n = st.available();
        if (opt(req, "max")) n = std::min<size_t>(n, static_cast<size_t>(need_int(req, "max", 0, INT64_MAX)));
        if (words_encoding(req)) {
            json reply = json::object();
            take_words(st, n, reply);
            return reply;
        }
        return {{"items", raw(take_items(st, n))}};
    }

    // `encoding`: "items" (the default: JSON items) or "words" (base64).
    static bool words_encoding(const json& req) {
        const json* e = opt(req, "encoding");
        if (!e) return false;
        if (!e->is_string() || (*e != "items" && *e != "words")) {
            bad_arg("encoding", "'encoding' must be \"items\" or \"words\"");
        }
        return *e == "words";
    }

    // A pushed batch as base64 words (docs/protocol.md, "Stream items"):
    // whole items, every value within its signal's width. Returns the count.
    static size_t words_into(const json& field, const Stream& st, std::vector<uint32_t>& flat) {
        if (!field.is_string()) bad_arg("words", "'words' must be a base64 string");
        std::vector<uint8_t> bytes;
        if (!base64_decode(field.get_ref<const std::string&>(), bytes)) bad_arg("words", "'words' is not base64");
        const size_t item_bytes = 4 * size_t{st.item_words};
        if (bytes.size() % item_bytes != 0) {
            bad_arg("words", std::to_string(bytes.size()) + " bytes are not whole items of " +
                                 std::to_string(st.item_words) + " words");
        }
        const size_t count = bytes.size() / item_bytes;
        flat.resize(bytes.size() / 4);
        // An empty batch has no buffer to copy (memcpy from null is undefined, found by make fuzz SANITIZE=1).
        if (!bytes.empty()) std::memcpy(flat.data(), bytes.data(), bytes.size());
        const uint32_t* w = flat.data();
        for (size_t i = 0; i < count; ++i) {
            for (const Signal* d : st.data) {
                w += d->nwords;
                if ((w[-1] & ~d->top_mask) != 0) {
                    fail("value_too_wide", "item " + std::to_string(i) + ": a value does not fit " + d->name +
                                               " (" + std::to_string(d->width) + " bits)",
                         {{"signal", d->name}, {"width", d->width}, {"item", i}});
                }
            }
        }
        return count;
    }

    // The monitor's first `n` unread items, consumed, as `words` and
    // `times` (base64 of the items' words and of their 64-bit times).
    static void take_words(Stream& st, size_t n, json& into) {
        std::vector<uint32_t> words(n * st.item_words);
        std::vector<uint64_t> times(n);
        for (size_t i = 0; i < n; ++i) {
            std::memcpy(&words[i * st.item_words], st.captured.front(), 4 * size_t{st.item_words});
            times[i] = st.captured.front_time();
            st.captured.pop(st.item_words);
        }
        std::string w, t;
        base64_append(w, words.data(), 4 * words.size());
        base64_append(t, times.data(), 8 * times.size());
        into["words"] = std::move(w);
        into["times"] = std::move(t);
        into["count"] = n;
    }

    // The monitor's first `n` unread items as JSON text, consumed.
    static std::string take_items(Stream& st, size_t n) {
        std::string text;
        text.reserve(2 + n * (28 + st.data.size() * 14));
        text.push_back('[');
        for (size_t i = 0; i < n; ++i) {
            if (i) text.push_back(',');
            text += "{\"data\":[";
            const uint32_t* w = st.captured.front();
            for (size_t j = 0; j < st.data.size(); ++j) {
                if (j) text.push_back(',');
                text.push_back('"');
                append_hex(text, w, st.data[j]->nwords);
                text.push_back('"');
                w += st.data[j]->nwords;
            }
            text += "],\"time\":";
            text += std::to_string(st.captured.front_time());
            text.push_back('}');
            st.captured.pop(st.item_words);
        }
        text.push_back(']');
        return text;
    }

    json stream_stats(const json& req) {
        Stream& st = need_stream(req, -1);
        return {{"queued", st.queued()},
                {"done", st.done},
                {"beats", st.is_driver ? st.done : st.beats},
                {"available", st.is_driver ? 0 : st.available()},
                {"busy", st.busy}};
    }

    // -- waves and coverage

    json trace_start(const json& req) {
        if (!trace_built_in()) fail("unsupported", "the model was built without FST tracing (--trace-fst)");
        const std::string& file = need_string(req, "file");
        int64_t depth = get_int(req, "depth", 1, 1 << 20, 99);
        // The window, in time steps like every time here; checked before the
        // file is touched, so a bad one changes nothing.
        const bool bounded = opt(req, "to") != nullptr;
        const int64_t from = get_int(req, "from", 0, kMaxTime, 0);
        const int64_t to = get_int(req, "to", 0, kMaxTime, kMaxTime);
        const int64_t now = static_cast<int64_t>(s.sched.now());
        if (bounded && to < from) {
            bad_arg("to", "'to' (" + std::to_string(to) + ") is before 'from' (" +
                              std::to_string(from) + ")");
        }
        if (bounded && to < now) {
            bad_arg("to", "'to' (" + std::to_string(to) + ") is before the current time (" +
                              std::to_string(now) + ")");
        }
        std::string why = s.waves.start(file, static_cast<int>(depth), static_cast<uint64_t>(from),
                                        bounded ? static_cast<uint64_t>(to) : Waves::kNoEnd);
        if (!why.empty()) bad_arg("file", why);
        return json::object();
    }

    json trace_stop(const json&) {
        if (s.waves.tracing()) {
            s.sched.dump_final_step();
            s.waves.stop();
        }
        return json::object();
    }

    json coverage_write(const json& req) {
        if (!coverage_built_in()) fail("unsupported", "the model was built without coverage (--coverage)");
        const std::string& file = need_string(req, "file");
        std::string why;
        try {
            why = write_coverage(s.ctx, file);
        } catch (const RuntimeFatal& e) {
            why = e.what();
        }
        if (!why.empty()) bad_arg("file", why);
        return json::object();
    }

    // -- input recording (input_recorder.cpp)

    json record_inputs(const json& req) { return record_inputs_command(s.sched, req); }
    json record_stop(const json&) { return record_stop_command(s.sched); }
};

using Handler = json (Impl::*)(const json&);

const std::unordered_map<std::string, Handler>& handlers() {
    static const std::unordered_map<std::string, Handler> h = {
        {"hello", &Impl::hello},
        {"ping", nullptr},
        {"quit", &Impl::quit_cmd},
        {"stats", &Impl::stats},
        {"profile", &Impl::profile},
        {"list", &Impl::list},
        {"resolve", &Impl::resolve},
        {"read", &Impl::read},
        {"read_many", &Impl::read_many},
        {"read_mem", &Impl::read_mem},
        {"write", &Impl::write},
        {"write_mem", &Impl::write_mem},
        {"clock", &Impl::clock},
        {"clock_stop", &Impl::clock_stop},
        {"arm", &Impl::arm},
        {"disarm", &Impl::disarm},
        {"run", &Impl::run},
        {"stream_driver", &Impl::stream_driver},
        {"stream_monitor", &Impl::stream_monitor},
        {"stream_push", &Impl::stream_push},
        {"stream_pull", &Impl::stream_pull},
        {"stream_stats", &Impl::stream_stats},
        {"batch", nullptr},
        {"trace_start", &Impl::trace_start},
        {"trace_stop", &Impl::trace_stop},
        {"coverage_write", &Impl::coverage_write},
        {"record_inputs", &Impl::record_inputs},
        {"record_stop", &Impl::record_stop},
    };
    return h;
}

json error_reply(const CmdError& e) {
    json err = {{"code", e.code}, {"message", e.message}};
    if (e.extra.is_object()) {
        for (auto it = e.extra.begin(); it != e.extra.end(); ++it) err[it.key()] = it.value();
    }
    json r = {{"ok", false}, {"error", std::move(err)}};
    if (e.top.is_object()) {
        for (auto it = e.top.begin(); it != e.top.end(); ++it) r[it.key()] = it.value();
    }
    return r;
}

}  // namespace

Commands::Commands(Session s) : s_(s), start_ns_(mono_ns()) {}

Commands::~Commands() = default;

json Commands::dispatch(const json& req, bool in_batch, bool& quit) {
    try {
        if (!req.is_object()) throw CmdError{"malformed", "a request must be a JSON object", json::object()};
        auto cmd_it = req.find("cmd");
        if (cmd_it == req.end() || !cmd_it->is_string()) {
            throw CmdError{"malformed", "the request has no 'cmd' string", json::object()};
        }
        const std::string& cmd = cmd_it->get_ref<const std::string&>();
        auto h = handlers().find(cmd);
        if (h == handlers().end()) {
            std::vector<std::string> names(std::begin(kCommandNames), std::end(kCommandNames));
            std::vector<std::string> c = closest_names(cmd, names, false);
            fail("unknown_command",
                 "no command '" + cmd + "'" + (c.empty() ? "" : "; closest: " + join(c)),
                 {{"candidates", c}});
        }
        if (g_finished && !allowed_after_finish(cmd)) {
            fail("finished", "the simulation has ended; only reads, list, stats, coverage_write, "
                             "trace_stop, record_stop and quit are served",
                 {{"finished", event_json(finish_event())}});
        }
        json reply = {{"ok", true}};
        if (cmd == "ping") return reply;
        if (cmd == "batch") {
            if (in_batch) bad_arg("cmds", "a batch cannot contain a batch");
            const json& cmds = need_array(req, "cmds");
            json results = json::array();
            for (size_t i = 0; i < cmds.size(); ++i) {
                json sub = dispatch(cmds[i], true, quit);
                if (cmds[i].is_object() && cmds[i].contains("id")) sub["id"] = cmds[i]["id"];
                bool ok = sub["ok"].get<bool>();
                results.push_back(sub);
                if (!ok) {
                    CmdError e{sub["error"]["code"].get<std::string>(),
                               sub["error"]["message"].get<std::string>(), sub["error"]};
                    e.extra.erase("code");
                    e.extra.erase("message");
                    e.extra["index"] = i;
                    e.top = {{"results", std::move(results)}};
                    throw e;
                }
                if (quit) break;  // nothing runs after quit
            }
            reply["results"] = std::move(results);
            return reply;
        }
        Impl impl(s_, start_ns_, requests_, quit, raw_, parsed_.get());
        json fields = (impl.*(h->second))(req);
        for (auto it = fields.begin(); it != fields.end(); ++it) reply[it.key()] = std::move(it.value());
        return reply;
    } catch (const CmdError& e) {
        return error_reply(e);
    } catch (const RuntimeFatal& e) {
        return error_reply(CmdError{"bad_argument", std::string("Verilator refused: ") + e.what(),
                                    json::object()});
    } catch (const std::exception& e) {
        return error_reply(CmdError{"bad_argument", std::string("cannot serve request: ") + e.what(),
                                    json::object()});
    }
}

std::string Commands::handle(const char* data, size_t size, bool& quit) {
    ++requests_;
    json reply;
    json id = nullptr;
    try {
        if (!parsed_) parsed_.reset(new ParsedRequest);
        if (!parsed_->parse(data, size)) {
            reply = error_reply(CmdError{"malformed", "the request is not valid JSON", json::object()});
        } else {
            const json& req = parsed_->root();
            if (req.is_object()) {
                auto it = req.find("id");
                if (it != req.end()) id = *it;
            }
            reply = dispatch(req, false, quit);
        }
    } catch (const std::exception& e) {
        reply = error_reply(CmdError{"malformed", std::string("cannot read request: ") + e.what(),
                                     json::object()});
    } catch (...) {
        reply = error_reply(CmdError{"malformed", "cannot read request", json::object()});
    }
    reply["id"] = std::move(id);
    try {
        std::string out = reply.dump(-1, ' ', false, json::error_handler_t::replace);
        if (!raw_.empty()) raw_.splice(out);
        return out;
    } catch (...) {
        raw_.clear();
        return R"({"id":null,"ok":false,"error":{"code":"bad_argument","message":"reply could not be encoded"}})";
    }
}

}  // namespace ms
