// Reference round trip: plain blocking ZeroMQ REQ/REP between two C++
// processes, no spinning on either side. The bridge's round trip is judged
// against this.
//
//   zmq_pingpong server ENDPOINT
//   zmq_pingpong client ENDPOINT N SIZE
//
// Build: g++ -O2 -std=c++17 zmq_pingpong.cpp -lzmq -o zmq_pingpong
#include <zmq.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

int usage() {
    std::fprintf(stderr,
                 "usage: zmq_pingpong server ENDPOINT\n"
                 "       zmq_pingpong client ENDPOINT N SIZE\n");
    return 2;
}

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "zmq_pingpong: %s: %s\n", what, zmq_strerror(zmq_errno()));
    std::exit(1);
}

int server(const char* endpoint) {
    void* ctx = zmq_ctx_new();
    void* sock = zmq_socket(ctx, ZMQ_REP);
    if (zmq_bind(sock, endpoint) != 0) die("bind");
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    for (;;) {
        if (zmq_msg_recv(&msg, sock, 0) < 0) die("recv");
        if (zmq_msg_send(&msg, sock, 0) < 0) die("send");  // echo; send resets msg
    }
}

int client(const char* endpoint, long n, long size) {
    void* ctx = zmq_ctx_new();
    void* sock = zmq_socket(ctx, ZMQ_REQ);
    if (zmq_connect(sock, endpoint) != 0) die("connect");
    std::vector<char> out(static_cast<size_t>(size), 'x');
    std::vector<char> in(static_cast<size_t>(size) + 1);
    auto round_trip = [&] {
        if (zmq_send(sock, out.data(), out.size(), 0) < 0) die("send");
        if (zmq_recv(sock, in.data(), in.size(), 0) < 0) die("recv");
    };
    for (int i = 0; i < 1000; ++i) round_trip();  // warm-up
    std::vector<double> us(static_cast<size_t>(n));
    for (long i = 0; i < n; ++i) {
        auto t0 = std::chrono::steady_clock::now();
        round_trip();
        auto t1 = std::chrono::steady_clock::now();
        us[static_cast<size_t>(i)] = std::chrono::duration<double, std::micro>(t1 - t0).count();
    }
    double sum = 0;
    for (double v : us) sum += v;
    std::sort(us.begin(), us.end());
    auto pct = [&](double p) {
        size_t i = static_cast<size_t>(p * static_cast<double>(us.size() - 1));
        return us[i];
    };
    std::printf("{\"round_trips\":%ld,\"mean_us\":%.2f,\"p50_us\":%.2f,\"p99_us\":%.2f}\n", n,
                sum / static_cast<double>(n), pct(0.50), pct(0.99));
    zmq_close(sock);
    zmq_ctx_term(ctx);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::strcmp(argv[1], "server") == 0) return server(argv[2]);
    if (argc == 5 && std::strcmp(argv[1], "client") == 0) {
        long n = std::atol(argv[3]), size = std::atol(argv[4]);
        if (n <= 0 || size < 0) return usage();
        return client(argv[2], n, size);
    }
    return usage();
}
