// How the design ends the simulation ($finish, $stop, $error, $fatal,
// Verilator internal errors) and what it printed before that.
#ifndef MIRRORSIM_SIM_EVENTS_H
#define MIRRORSIM_SIM_EVENTS_H

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ms {

struct SimEvent {
    std::string kind;  // finish, stop or fatal
    std::string file;  // base name, as the user wrote it in the RTL
    int line = 0;
    uint64_t time = 0;
    std::string message;
    std::vector<std::string> output;  // last lines printed up to the event
};

// Set by vl_finish/vl_stop/vl_fatal; a plain global because the run loop
// tests it after every eval().
extern bool g_finished;
// True while the bridge is inside Vmodel::eval(); decides whether vl_fatal
// ends the simulation or just fails the command that called into Verilator.
extern bool g_in_eval;

const SimEvent& finish_event();

// vl_fatal must not return inside eval(): Verilator's generated loops call it
// again forever after a region fails to converge. It unwinds with this.
struct FatalUnwind {};

// vl_fatal outside eval(), e.g. the coverage writer failing to open a file.
struct RuntimeFatal : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The last lines the design printed (the unfinished line last, if any).
std::vector<std::string> recent_output();

// stdout is a pipe to the host, so it is block-buffered; flush before each
// reply so the host sees design output no later than the reply.
void flush_design_output();

}  // namespace ms

#endif
