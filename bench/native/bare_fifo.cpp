// The ceiling for the bridge's stream mode: the Verilated fifo alone, driven
// from the fastest plain C++ loop, the way the bridge's stream driver and
// monitor drive it: sample valid/ready before each rising edge, present the
// next item right after an accepted edge, keep out_ready_i high, two eval()
// per cycle (one per clock edge).
//
//   bare_fifo [CYCLES]      prints {"cycles":N,"seconds":..,"cycles_per_s":..,"items":..}
//
// Built with Verilator against test/fixtures/rtl/fifo.sv (--top-module fifo
// --prefix Vmodel), without the bridge.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "Vmodel.h"
#include "verilated.h"

int main(int argc, char** argv) {
    const uint64_t cycles = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10000000ull;
    auto ctx = std::make_unique<VerilatedContext>();
    ctx->commandArgs(argc, argv);
    auto top = std::make_unique<Vmodel>(ctx.get(), "TOP");

    auto edge = [&](uint8_t clk) {
        top->clk_i = clk;
        top->eval();
    };

    // Reset for a few cycles.
    top->clk_i = 0;
    top->rst_ni = 0;
    top->in_valid_i = 0;
    top->in_data_i = 0;
    top->out_ready_i = 1;
    top->eval();
    for (int i = 0; i < 4; ++i) {
        edge(1);
        edge(0);
    }
    top->rst_ni = 1;
    edge(1);
    edge(0);

    uint32_t next_in = 0;    // value of the item on the input bus
    uint32_t expected = 0;   // next value the output must deliver
    uint64_t items = 0;
    top->in_valid_i = 1;
    top->in_data_i = next_in;
    top->eval();

    const auto t0 = std::chrono::steady_clock::now();
    for (uint64_t c = 0; c < cycles; ++c) {
        // What is handed over on this edge, seen just before it.
        const bool pushed = top->in_valid_i && top->in_ready_o;
        const bool popped = top->out_valid_o && top->out_ready_i;
        const uint32_t out = top->out_data_o;
        edge(1);
        if (popped) {
            if (out != expected) {
                std::fprintf(stderr, "bare_fifo: cycle %llu: got %u, expected %u\n",
                             static_cast<unsigned long long>(c), out, expected);
                return 1;
            }
            ++expected;
            ++items;
        }
        if (pushed) top->in_data_i = ++next_in;  // the next item, right after the edge
        edge(0);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    top->final();
    std::printf("{\"cycles\":%llu,\"seconds\":%.6f,\"cycles_per_s\":%.0f,\"items\":%llu}\n",
                static_cast<unsigned long long>(cycles), seconds,
                seconds > 0 ? static_cast<double>(cycles) / seconds : 0.0,
                static_cast<unsigned long long>(items));
    return 0;
}
