// Verilator's makefile appends -Os to user files; this is a hot path.
#pragma GCC optimize("O2")
#include "transport.h"

#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <zmq.hpp>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "sim_events.h"

namespace ms {

volatile std::sig_atomic_t g_signal = 0;

namespace {

// One turn of the spin loop normally takes about a microsecond; this long
// means another thread ran on this core in between.
constexpr uint64_t kContendedUs = 15;

pid_t g_parent = 0;
zmq::context_t* g_ctx = nullptr;
zmq::socket_t* g_sock = nullptr;
std::string g_ipc_path;
std::function<void()> g_cleanup;
uint64_t g_busy_ns = 0;

uint64_t now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

void handle_signal(int sig) { g_signal = sig; }

uint64_t now_us() {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::steady_clock::now().time_since_epoch())
                                     .count());
}

bool parent_gone() { return getppid() != g_parent; }

sigset_t stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    return set;
}

}  // namespace

uint64_t busy_ns() { return g_busy_ns; }

int exit_status_for_signal() {
    if (parent_gone()) return kExitParentDied;
    return 128 + static_cast<int>(g_signal);
}

void watch_parent() {
    g_parent = getppid();
    struct sigaction sa {};
    sa.sa_handler = handle_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: a blocking poll must return EINTR
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);  // a closed stdout must not kill the bridge
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    // The parent may have died before prctl took effect.
    if (parent_gone()) {
        std::fprintf(stderr, "mirrorsim-bridge: parent process is gone\n");
        std::_Exit(kExitParentDied);
    }
}

void on_shutdown(std::function<void()> cleanup) { g_cleanup = std::move(cleanup); }

void shutdown_now(int status) {
    static bool in_progress = false;
    if (!in_progress) {
        in_progress = true;
        if (g_cleanup) {
            try {
                g_cleanup();
            } catch (...) {
            }
        }
        try {
            if (g_sock) {
                // After `quit` the reply is queued but maybe not yet written.
                g_sock->set(zmq::sockopt::linger, status == kExitQuit ? 2000 : 0);
                g_sock->close();
            }
            if (g_ctx) g_ctx->close();
        } catch (...) {
        }
    }
    if (!g_ipc_path.empty()) unlink(g_ipc_path.c_str());
    flush_design_output();
    std::fflush(stderr);
#if defined(__SANITIZE_ADDRESS__)
    // _Exit skips the leak check LeakSanitizer would run at exit.
    __lsan_do_leak_check();
#endif
    std::_Exit(status);
}

namespace {

// Whether a process accepts connections on the Unix socket at `path`. A file
// left behind by a simulator that died refuses them (ECONNREFUSED) and may
// be bound over.
bool unix_socket_listening(const std::string& path) {
    sockaddr_un addr{};
    if (path.size() >= sizeof(addr.sun_path)) return false;  // ZeroMQ's bind reports it
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    bool listening = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    close(fd);
    return listening;
}

}  // namespace

BindResult bind_socket(const TransportOptions& opts) {
    const bool ipc = opts.endpoint.compare(0, 6, "ipc://") == 0;
    if (ipc && unix_socket_listening(opts.endpoint.substr(6))) {
        return {"cannot bind " + opts.endpoint + ": another simulator is listening on it", true};
    }
    // ZeroMQ's I/O threads inherit this mask, so SIGTERM always lands on the
    // main thread and interrupts its poll.
    sigset_t set = stop_signals(), old;
    pthread_sigmask(SIG_BLOCK, &set, &old);
    BindResult result;
    try {
        g_ctx = new zmq::context_t(1);
        g_sock = new zmq::socket_t(*g_ctx, zmq::socket_type::rep);
        g_sock->set(zmq::sockopt::linger, 0);
        g_sock->bind(opts.endpoint);
        if (ipc) g_ipc_path = opts.endpoint.substr(6);
    } catch (const zmq::error_t& e) {
        result.error = std::string("cannot bind ") + opts.endpoint + ": " + e.what();
        result.in_use = e.num() == EADDRINUSE;
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return result;
}

void serve(const TransportOptions& opts, const Handler& handler) {
    void* sock = static_cast<void*>(*g_sock);
    uint64_t last_request = now_us();
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    int rcvtimeo = -2;  // what ZMQ_RCVTIMEO is set to
    for (;;) {
        bool got = false;
        // Spin first: a host that answers quickly finds the bridge awake,
        // which saves the wake-up latency of blocking. Yielding inside the
        // spin lets the bridge's own I/O thread (and the host) run on this
        // core; a yield that comes back late means others are waiting for
        // the CPU, and spinning on would only slow them down.
        if (opts.spin_us > 0) {
            uint64_t t = now_us();
            const uint64_t until = t + opts.spin_us;
            do {
                if (zmq_msg_recv(&msg, sock, ZMQ_DONTWAIT) >= 0) {
                    got = true;
                    break;
                }
                sched_yield();
                const uint64_t after = now_us();
                if (after - t > kContendedUs) break;
                t = after;
            } while (t < until && !g_signal);
        }
        // Then block the way a plain REP server does, waking at least once a
        // second to look after the parent, the idle timeout and signals.
        while (!got) {
            if (g_signal) shutdown_now(exit_status_for_signal());
            int timeout_ms = 1000;
            if (opts.idle_timeout_ms > 0) {
                uint64_t idle_ms = (now_us() - last_request) / 1000;
                if (idle_ms >= opts.idle_timeout_ms) {
                    std::fprintf(stderr, "mirrorsim-bridge: idle for %llu ms, exiting\n",
                                 static_cast<unsigned long long>(idle_ms));
                    shutdown_now(kExitIdle);
                }
                uint64_t left = opts.idle_timeout_ms - idle_ms;
                if (left < static_cast<uint64_t>(timeout_ms)) timeout_ms = static_cast<int>(left) + 1;
            }
            if (timeout_ms != rcvtimeo) {
                zmq_setsockopt(sock, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
                rcvtimeo = timeout_ms;
            }
            if (zmq_msg_recv(&msg, sock, 0) >= 0) got = true;
            if (parent_gone()) {
                std::fprintf(stderr, "mirrorsim-bridge: parent process died, exiting\n");
                shutdown_now(kExitParentDied);
            }
        }
        last_request = now_us();
        const uint64_t served_from = now_ns();

        // One request is one frame; drain any extra frames so the REP
        // socket can reply, and refuse the request.
        std::string reply;
        bool quit = false;
        if (zmq_msg_more(&msg)) {
            zmq_msg_t extra;
            zmq_msg_init(&extra);
            int more = 1;
            while (more && zmq_msg_recv(&extra, sock, 0) >= 0) more = zmq_msg_more(&extra);
            zmq_msg_close(&extra);
            reply = R"({"id":null,"ok":false,"error":{"code":"malformed","message":"a request must be a single frame"}})";
        } else {
            reply = handler(static_cast<const char*>(zmq_msg_data(&msg)), zmq_msg_size(&msg), quit);
        }
        flush_design_output();
        // Busy time ends before the send: once the reply is handed to ZeroMQ
        // the host may already have it, and a preemption of this thread after
        // that must not count as the bridge's work (the host would see a
        // bridge busier than its own wait for the reply).
        g_busy_ns += now_ns() - served_from;
        if (zmq_send(sock, reply.data(), reply.size(), 0) < 0) {
            std::fprintf(stderr, "mirrorsim-bridge: send failed: %s\n", zmq_strerror(zmq_errno()));
        }
        if (quit) shutdown_now(kExitQuit);
    }
}

}  // namespace ms
