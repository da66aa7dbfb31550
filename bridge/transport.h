// The ZeroMQ REP socket the host talks to, and the process lifetime around
// it: spin-then-block polling, parent death, SIGTERM/SIGINT, idle timeout.
#ifndef MIRRORSIM_TRANSPORT_H
#define MIRRORSIM_TRANSPORT_H

#include <csignal>
#include <cstdint>
#include <functional>
#include <string>

namespace ms {

// Set by the SIGTERM/SIGINT handler; the socket loop and the run loop look
// at it and shut down cleanly (trace flushed, socket file removed).
extern volatile std::sig_atomic_t g_signal;

enum ExitStatus { kExitQuit = 0, kExitBadArgs = 2, kExitParentDied = 3, kExitIdle = 4, kExitEndpointInUse = 5 };

// 3 when the parent is gone (PR_SET_PDEATHSIG delivers SIGTERM), else 128+signal.
int exit_status_for_signal();

// Must be called first thing in main, before any thread exists.
void watch_parent();

// Runs once on any exit path (closes the trace).
void on_shutdown(std::function<void()> cleanup);

// Closes the socket (waiting briefly for the last reply when status is 0),
// removes the ipc:// socket file and exits.
[[noreturn]] void shutdown_now(int status);

struct TransportOptions {
    std::string endpoint;
    uint64_t spin_us = 200;
    uint64_t idle_timeout_ms = 0;
};

// The handler turns one request frame into one reply frame; it sets `quit`
// to make the bridge exit 0 once the reply is sent. Never returns.
using Handler = std::function<std::string(const char* data, size_t size, bool& quit)>;
// Wall time the bridge has spent serving requests (from a request's arrival
// to its reply being queued), the rest being waiting for the host.
uint64_t busy_ns();
struct BindResult {
    std::string error;    // empty when bound
    bool in_use = false;  // another process is listening on the endpoint
};
// Binds the socket. An ipc:// path another simulator is listening on is
// refused rather than taken over (ZeroMQ would unlink it and bind anew,
// leaving the first simulator unreachable).
BindResult bind_socket(const TransportOptions& opts);
[[noreturn]] void serve(const TransportOptions& opts, const Handler& handler);

}  // namespace ms

#endif
