#include "forwarder/sockmap_program.hpp"

#include <linux/bpf.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace sy::forwarder {

namespace {

long bpf(bpf_cmd cmd, bpf_attr& attr) { return ::syscall(SYS_bpf, cmd, &attr, sizeof attr); }

std::string errno_text(int e) { return std::string(std::strerror(e)) + " (errno " + std::to_string(e) + ")"; }

/// The test seam: SWITCHYARD_TEST_SOCKMAP_FAIL names a step of load_sockmap that then fails with EPERM.
bool seam_fails(const char* step) {
    const char* want = std::getenv("SWITCHYARD_TEST_SOCKMAP_FAIL");
    return want && std::strcmp(want, step) == 0;
}

int create_hash(uint32_t capacity) {
    bpf_attr attr{};
    attr.map_type = BPF_MAP_TYPE_SOCKHASH;
    attr.key_size = sizeof(uint64_t);    // a socket cookie
    attr.value_size = sizeof(uint32_t);  // written as a socket's descriptor, stored by the kernel as the socket
    attr.max_entries = capacity;
    std::strncpy(attr.map_name, "sy_splice", sizeof attr.map_name - 1);
    return static_cast<int>(bpf(BPF_MAP_CREATE, attr));
}

constexpr bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    bpf_insn i{};
    i.code = code;
    i.dst_reg = dst & 0xf;
    i.src_reg = src & 0xf;
    i.off = off;
    i.imm = imm;
    return i;
}

/// The verdict program, as clang -target bpf -O2 compiles
///
///     SEC("sk_skb/stream_verdict") int splice(struct __sk_buff *skb) {
///         if (skb->len == 0) return SK_DROP;
///         __u64 cookie = bpf_get_socket_cookie(skb);
///         return bpf_sk_redirect_hash(skb, &target, &cookie, 0);   // 0: to the other socket's egress
///     }
///
/// The empty skb is a FIN's: TCP has taken it into account already (the worker sees EPOLLRDHUP and propagates the
/// half-close itself), and redirected it would reach the kernel's send loop as a zero-length write, which reports
/// EPIPE on the other socket (seen on 6.18: EPOLLERR on both sides of a cleanly closing connection).
///
/// A cookie missing from `target` (the other socket has closed) makes the helper answer SK_DROP: the connection is
/// ending anyway, as the copying relay's write to a closed socket would end it.
int load_program(int target, std::string& log) {
    const bpf_insn prog[] = {
        insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0),             // r6 = skb
        insn(BPF_LDX | BPF_MEM | BPF_W, BPF_REG_2, BPF_REG_1,
             static_cast<int16_t>(offsetof(__sk_buff, len)), 0),                  // r2 = skb->len
        insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, SK_DROP),              // r0 = SK_DROP
        insn(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_2, 0, 9, 0),                      // if r2 == 0: exit
        insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_get_socket_cookie),           // r0 = cookie(skb->sk)
        insn(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, BPF_REG_0, -8, 0),         // *(u64 *)(fp - 8) = r0
        insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_6, 0, 0),             // r1 = skb
        insn(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_2, BPF_PSEUDO_MAP_FD, 0, target),  // r2 = &target
        insn(0, 0, 0, 0, 0),                                                      //   (upper half of the 64-bit load)
        insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_10, 0, 0),            // r3 = fp
        insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_3, 0, 0, -8),                   // r3 = &cookie
        insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_4, 0, 0, 0),                    // r4 = 0 (egress)
        insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_sk_redirect_hash),            // r0 = SK_PASS or SK_DROP
        insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
    };
    static const char license[] = "MIT";  // the two helpers are not GPL-only
    static char verifier_log[4096];
    bpf_attr attr{};
    attr.prog_type = BPF_PROG_TYPE_SK_SKB;
    attr.insns = reinterpret_cast<uint64_t>(prog);
    attr.insn_cnt = sizeof prog / sizeof prog[0];
    attr.license = reinterpret_cast<uint64_t>(license);
    std::strncpy(attr.prog_name, "sy_splice", sizeof attr.prog_name - 1);
    int fd = static_cast<int>(bpf(BPF_PROG_LOAD, attr));
    if (fd >= 0) return fd;
    const int e = errno;
    // Again with the verifier's log, which says why (only on failure: the log costs time).
    attr.log_level = 1;
    attr.log_buf = reinterpret_cast<uint64_t>(verifier_log);
    attr.log_size = sizeof verifier_log;
    verifier_log[0] = '\0';
    fd = static_cast<int>(bpf(BPF_PROG_LOAD, attr));
    if (fd >= 0) return fd;
    log = verifier_log;
    while (!log.empty() && (log.back() == '\n' || log.back() == ' ')) log.pop_back();
    errno = e;
    return -1;
}

result<void> step_error(const char* step, int e) { return diagnostic{"", std::string(step) + ": " + errno_text(e)}; }

int update(int map, uint64_t key, int fd) {
    bpf_attr attr{};
    uint32_t value = static_cast<uint32_t>(fd);
    attr.map_fd = static_cast<uint32_t>(map);
    attr.key = reinterpret_cast<uint64_t>(&key);
    attr.value = reinterpret_cast<uint64_t>(&value);
    attr.flags = BPF_NOEXIST;
    return static_cast<int>(bpf(BPF_MAP_UPDATE_ELEM, attr));
}

void erase(int map, uint64_t key) {
    bpf_attr attr{};
    attr.map_fd = static_cast<uint32_t>(map);
    attr.key = reinterpret_cast<uint64_t>(&key);
    bpf(BPF_MAP_DELETE_ELEM, attr);
}

bool cookie_of(int fd, uint64_t& cookie) {
    socklen_t len = sizeof cookie;
    return ::getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &len) == 0;
}

}  // namespace

result<sockmap_maps> load_sockmap(uint32_t capacity) {
    sockmap_maps m;
    m.capacity = capacity;
    auto fail = [&](const char* step, int e, const std::string& detail = {}) -> result<sockmap_maps> {
        unload_sockmap(m);
        return diagnostic{"", std::string(step) + ": " + errno_text(e) + (detail.empty() ? "" : ": " + detail)};
    };
    if (seam_fails("map")) return fail("creating the socket hash", EPERM);
    m.verdict = create_hash(capacity);
    if (m.verdict < 0) return fail("creating the socket hash", errno);
    m.target = create_hash(capacity);
    if (m.target < 0) return fail("creating the socket hash", errno);
    std::string log;
    if (seam_fails("program")) return fail("loading the sk_skb verdict program", EPERM);
    m.program = load_program(m.target, log);
    if (m.program < 0) return fail("loading the sk_skb verdict program", errno, log);
    if (seam_fails("attach")) return fail("attaching the verdict program", EPERM);
    bpf_attr attr{};
    attr.target_fd = static_cast<uint32_t>(m.verdict);
    attr.attach_bpf_fd = static_cast<uint32_t>(m.program);
    attr.attach_type = BPF_SK_SKB_STREAM_VERDICT;
    if (bpf(BPF_PROG_ATTACH, attr) != 0) return fail("attaching the verdict program", errno);
    return m;
}

void unload_sockmap(sockmap_maps& maps) {
    for (int* fd : {&maps.program, &maps.target, &maps.verdict}) {
        if (*fd >= 0) ::close(*fd);
        *fd = -1;
    }
}

result<void> splice_pair(const sockmap_maps& maps, int client, int backend) {
    uint64_t cookie[2];
    if (!cookie_of(client, cookie[0]) || !cookie_of(backend, cookie[1])) return step_error("SO_COOKIE", errno);
    const int fd[2] = {client, backend};
    // Targets first: once a socket is in `verdict`, its next skb is redirected to the other, which must be there.
    if (update(maps.target, cookie[0], fd[1]) != 0) return step_error("adding to the target hash", errno);
    if (update(maps.target, cookie[1], fd[0]) != 0) {
        const int e = errno;
        erase(maps.target, cookie[0]);
        return step_error("adding to the target hash", e);
    }
    for (int i = 0; i < 2; ++i) {
        if (update(maps.verdict, cookie[i], fd[i]) == 0) continue;
        const int e = errno;
        for (int j = 0; j < i; ++j) erase(maps.verdict, cookie[j]);
        erase(maps.target, cookie[0]);
        erase(maps.target, cookie[1]);
        return step_error("adding to the verdict hash", e);
    }
    return {};
}

}  // namespace sy::forwarder
