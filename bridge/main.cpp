// mirrorsim-bridge: hosts the Verilated model (always class Vmodel) and
// serves one host over ZeroMQ; see docs/protocol.md.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "Vmodel.h"
#include "commands.h"
#include "scheduler.h"
#include "signal_table.h"
#include "sim_events.h"
#include "streams.h"
#include "transport.h"
#include "verilated.h"
#include "waves_coverage.h"

namespace {

struct Flags {
    std::string endpoint;
    uint64_t seed = 1;
    uint64_t spin_us = 200;
    uint64_t idle_timeout_ms = 0;
    uint64_t max_wall_ms = 500;
};

const char* kUsage =
    "usage: mirrorsim-bridge --endpoint ipc:///path/to/socket [--seed N] [--spin-us N]\n"
    "                        [--idle-timeout-ms N] [--max-wall-ms N] [+verilator+...]\n";

[[noreturn]] void bad_args(const std::string& message) {
    std::fprintf(stderr, "mirrorsim-bridge: %s\n%s", message.c_str(), kUsage);
    std::exit(ms::kExitBadArgs);
}

uint64_t parse_number(const std::string& flag, const std::string& text) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
        bad_args(flag + " needs a non-negative integer, not '" + text + "'");
    }
    errno = 0;
    unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
    if (errno == ERANGE) bad_args(flag + " is out of range: " + text);
    return v;
}

Flags parse_flags(int argc, char** argv) {
    Flags f;
    bool have_endpoint = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (!arg.empty() && arg[0] == '+') continue;  // Verilator plusargs
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        }
        std::string name = arg, value;
        bool inline_value = false;
        size_t eq = arg.find('=');
        if (arg.compare(0, 2, "--") == 0 && eq != std::string::npos) {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
            inline_value = true;
        }
        static const char* known[] = {"--endpoint", "--seed", "--spin-us", "--idle-timeout-ms",
                                      "--max-wall-ms"};
        bool ok = false;
        for (const char* k : known) ok |= name == k;
        if (!ok) bad_args("unknown argument '" + arg + "'");
        if (!inline_value) {
            if (i + 1 >= argc) bad_args(name + " needs a value");
            value = argv[++i];
        }
        if (name == "--endpoint") {
            if (value.empty()) bad_args("--endpoint must not be empty");
            f.endpoint = value;
            have_endpoint = true;
        } else if (name == "--seed") {
            f.seed = parse_number(name, value);
        } else if (name == "--spin-us") {
            f.spin_us = parse_number(name, value);
        } else if (name == "--idle-timeout-ms") {
            f.idle_timeout_ms = parse_number(name, value);
        } else {
            f.max_wall_ms = parse_number(name, value);
        }
    }
    if (!have_endpoint) bad_args("--endpoint is required");
    return f;
}

}  // namespace

int main(int argc, char** argv) {
    Flags flags = parse_flags(argc, argv);
    ms::watch_parent();

    auto* ctx = new VerilatedContext;
    ctx->commandArgs(argc, argv);
    if (ms::trace_built_in()) ctx->traceEverOn(true);  // must precede the model
    auto* model = new Vmodel(ctx, "TOP");

    ms::SignalTable table;
    table.discover(ctx, model->hierName());
    ms::Rng rng(flags.seed);
    ms::Streams streams(rng);
    ms::Waves waves(model);
    ms::Scheduler sched(ctx, model, table, streams, waves);
    sched.initial_eval();

    ms::on_shutdown([&waves, &sched] {
        sched.inputs().stop();  // the trailer, so the recording stays replayable
        if (waves.tracing()) {
            sched.dump_final_step();
            waves.stop();
        }
    });

    ms::TransportOptions topts;
    topts.endpoint = flags.endpoint;
    topts.spin_us = flags.spin_us;
    topts.idle_timeout_ms = flags.idle_timeout_ms;
    ms::BindResult bound = ms::bind_socket(topts);
    if (bound.in_use) {
        std::fprintf(stderr, "mirrorsim-bridge: %s\n", bound.error.c_str());
        std::exit(ms::kExitEndpointInUse);
    }
    if (!bound.error.empty()) bad_args(bound.error);

    ms::Commands commands(ms::Session{ctx, model, table, sched, streams, waves, flags.seed,
                                      flags.max_wall_ms});
    std::printf("mirrorsim-bridge: listening on %s\n", flags.endpoint.c_str());
    std::fflush(stdout);
    ms::serve(topts, [&commands](const char* data, size_t size, bool& quit) {
        return commands.handle(data, size, quit);
    });
}
