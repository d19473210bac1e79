/*
 * fabricbinder-ipam: the executable a CNI runtime (or sriov-cni, host-device, bridge delegating
 * IPAM) execs, once per attachment. See docs/cni.md.
 *
 * It is a forwarder and nothing else: it reads the node configuration for the node agent's socket,
 * sends the CNI_* environment and stdin to the agent (AgentProtocol.java holds the framing), prints
 * the agent's answer on stdout and exits with the agent's status. It makes no CNI decision and
 * writes no CNI error of its own. Whenever it cannot do exactly that (no or unusual node
 * configuration, agent not listening, agent gone mid-request, a value it will not encode, anything
 * unexpected), it execs the Java plugin next to it, fabricbinder-ipam-jvm, with the same arguments,
 * environment and stdin, and the Java plugin does what it always did: forward, or answer the CNI
 * error. Every request is idempotent at the agent (a repeated ADD returns the same addresses, DEL
 * of nothing succeeds), so sending it again from the Java plugin is safe.
 *
 * One case is not retried: when the agent took the request but has not answered by DEADLINE_MS,
 * the Java plugin is told so (FORWARDER_TIMEOUT_ENV) and only reports code 11 "try again later",
 * which keeps the whole exec under the 5 s the runtime is promised.
 *
 * Why C: a JVM costs about 80 ms of CPU per exec even with a class-data archive; at 8 concurrent
 * ADDs on 2 cores that queueing put p99 above 500 ms (docs/performance.md). This program costs well
 * under a millisecond. It is built static (no libc version to match on the host) and uses no name
 * service, no allocation beyond the request, and no program from PATH.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAGIC 0x46424950u       /* "FBIP", AgentProtocol.MAGIC */
#define PROTOCOL_VERSION 1u     /* AgentProtocol.VERSION */
#define MAX_BODY (4u << 20)     /* AgentProtocol.MAX_BODY */
#define MAX_UTF 65535u          /* DataOutputStream.writeUTF's limit */
#define MAX_CONFIG (64u << 10)  /* a node configuration is one line */
#define DEADLINE_MS 4000        /* below Plugin.DEADLINE_MILLIS: the Java report still fits in 5 s */

#define DEFAULT_CONFIG "/etc/cni/net.d/fabricbinder.d/fabricbinder-ipam.conf" /* NodeConfig.DEFAULT_PATH */
#define CONFIG_ENV "FABRICBINDER_IPAM_CONFIG"                                  /* NodeConfig.ENV_OVERRIDE */
#define FORWARDER_TIMEOUT_ENV "FABRICBINDER_IPAM_FORWARDER_TIMEOUT_MS"         /* Plugin.FORWARDER_TIMEOUT_ENV */
#define JAVA_PLUGIN "fabricbinder-ipam-jvm"

/* Plugin.FORWARDED, in the same order. */
static const char *const FORWARDED[] = {
    "CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS", "CNI_PATH",
};
#define N_FORWARDED (sizeof FORWARDED / sizeof FORWARDED[0])

static char **saved_argv;
static struct timespec started;

static long elapsed_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(now.tv_sec - started.tv_sec) * 1000L + (now.tv_nsec - started.tv_nsec) / 1000000L;
}

/*
 * Runs the Java plugin in this process's place. stdin_fd >= 0 replaces stdin with what this
 * program already read (a memfd at offset 0); -1 leaves stdin untouched. Does not return.
 */
static void run_java(const char *why, int stdin_fd, int timed_out) {
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (why != NULL) {
        fprintf(stderr, "fabricbinder-ipam: %s; running the Java plugin\n", why);
    }
    if (stdin_fd >= 0) {
        if (lseek(stdin_fd, 0, SEEK_SET) != 0 || dup2(stdin_fd, STDIN_FILENO) < 0) {
            fprintf(stderr, "fabricbinder-ipam: cannot hand stdin on: %s\n", strerror(errno));
            goto broken;
        }
        close(stdin_fd);
    }
    if (timed_out) {
        char waited[16];
        snprintf(waited, sizeof waited, "%d", DEADLINE_MS);
        setenv(FORWARDER_TIMEOUT_ENV, waited, 1);
    }
    if (n <= 0 || (size_t)n >= sizeof self - sizeof JAVA_PLUGIN - 1) {
        fprintf(stderr, "fabricbinder-ipam: cannot find this program's directory\n");
        goto broken;
    }
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    if (slash == NULL) {
        goto broken;
    }
    strcpy(slash + 1, JAVA_PLUGIN);
    execv(self, saved_argv);
    fprintf(stderr, "fabricbinder-ipam: cannot run %s: %s\n", self, strerror(errno));
broken:
    /* The installation is broken (the Java plugin is missing): the spec's error on stdout. */
    fputs("{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"fabricbinder-ipam: the installation is incomplete "
          "(fabricbinder-ipam-jvm cannot be run); reinstall with fabricbinder cni-install\"}\n",
          stdout);
    fflush(stdout);
    _exit(11);
}

/* --- the node configuration: {"socket": "<path>"} ------------------------------------------- */

/*
 * A strict reader for exactly what cni-install writes: one JSON object whose members are strings,
 * numbers, booleans, null, objects or arrays. It only needs to find "socket"; anything it is not
 * sure of sends the request to the Java plugin, whose parser (Jackson) is the reference.
 */
struct json {
    const char *p, *end;
};

static void ws(struct json *j) {
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) {
        j->p++;
    }
}

/* A string without escapes (copied into out, NUL-terminated) or, with out == NULL, any string. */
static int string(struct json *j, char *out, size_t cap) {
    size_t len = 0;
    if (j->p >= j->end || *j->p != '"') {
        return -1;
    }
    j->p++;
    while (j->p < j->end && *j->p != '"') {
        unsigned char c = (unsigned char)*j->p;
        if (c < 0x20) {
            return -1;
        }
        if (c == '\\') {
            if (out != NULL || j->p + 1 >= j->end) {
                return -1; /* an escaped key or socket path: leave it to Jackson */
            }
            j->p++;
        }
        if (out != NULL) {
            if (len + 1 >= cap) {
                return -1;
            }
            out[len++] = (char)c;
        }
        j->p++;
    }
    if (j->p >= j->end) {
        return -1;
    }
    j->p++;
    if (out != NULL) {
        out[len] = '\0';
    }
    return 0;
}

static int digits(struct json *j) {
    const char *start = j->p;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
        j->p++;
    }
    return j->p > start ? 0 : -1;
}

static int skip_value(struct json *j, int depth) {
    ws(j);
    if (j->p >= j->end || depth > 32) {
        return -1;
    }
    char c = *j->p;
    if (c == '"') {
        return string(j, NULL, 0);
    }
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        j->p++;
        ws(j);
        if (j->p < j->end && *j->p == close) {
            j->p++;
            return 0;
        }
        for (;;) {
            if (c == '{') {
                ws(j);
                if (string(j, NULL, 0) != 0) {
                    return -1;
                }
                ws(j);
                if (j->p >= j->end || *j->p != ':') {
                    return -1;
                }
                j->p++;
            }
            if (skip_value(j, depth + 1) != 0) {
                return -1;
            }
            ws(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->end && *j->p == close) {
                j->p++;
                return 0;
            }
            return -1;
        }
    }
    if (c == 't' || c == 'f' || c == 'n') {
        static const char *const literals[] = {"true", "false", "null"};
        for (size_t i = 0; i < 3; i++) {
            size_t l = strlen(literals[i]);
            if ((size_t)(j->end - j->p) >= l && memcmp(j->p, literals[i], l) == 0) {
                j->p += l;
                return 0;
            }
        }
        return -1;
    }
    /* a number: -?digits(.digits)?([eE][+-]?digits)? */
    if (j->p < j->end && *j->p == '-') {
        j->p++;
    }
    if (digits(j) != 0) {
        return -1;
    }
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (digits(j) != 0) {
            return -1;
        }
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-')) {
            j->p++;
        }
        if (digits(j) != 0) {
            return -1;
        }
    }
    return 0;
}

/* Finds the socket path; 0 on success. The last "socket" member wins, as in NodeConfig.read. */
static int parse_config(const char *text, size_t len, char *socket_path, size_t cap) {
    struct json j = {text, text + len};
    char key[64];
    int found = 0;
    ws(&j);
    if (j.p >= j.end || *j.p != '{') {
        return -1;
    }
    j.p++;
    ws(&j);
    if (j.p < j.end && *j.p == '}') {
        return -1;
    }
    for (;;) {
        ws(&j);
        if (string(&j, key, sizeof key) != 0) {
            return -1;
        }
        ws(&j);
        if (j.p >= j.end || *j.p != ':') {
            return -1;
        }
        j.p++;
        ws(&j);
        if (strcmp(key, "socket") == 0) {
            if (string(&j, socket_path, cap) != 0) {
                return -1;
            }
            found = 1;
        } else if (skip_value(&j, 0) != 0) {
            return -1;
        }
        ws(&j);
        if (j.p < j.end && *j.p == ',') {
            j.p++;
            continue;
        }
        if (j.p < j.end && *j.p == '}') {
            j.p++;
            break;
        }
        return -1;
    }
    ws(&j);
    return found && j.p == j.end && socket_path[0] != '\0' ? 0 : -1;
}

/* Reads the node configuration's socket path; NULL (and why) when the Java plugin should look. */
static const char *read_config(char *socket_path, size_t cap) {
    const char *path = getenv(CONFIG_ENV);
    static char text[MAX_CONFIG];
    struct stat st;
    if (path == NULL || path[0] == '\0') {
        path = DEFAULT_CONFIG;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        return "cannot open the node configuration";
    }
    /* NodeConfig.read refuses a configuration others may read or write; the Java plugin says so */
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 077) != 0) {
        close(fd);
        return "the node configuration is not a private file";
    }
    size_t len = 0;
    for (;;) {
        ssize_t r = read(fd, text + len, sizeof text - len);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            close(fd);
            return "cannot read the node configuration";
        }
        if (r == 0) {
            break;
        }
        len += (size_t)r;
        if (len == sizeof text) {
            close(fd);
            return "the node configuration is unusually large";
        }
    }
    close(fd);
    if (parse_config(text, len, socket_path, cap) != 0) {
        return "the node configuration is not in the usual form";
    }
    return NULL;
}

/* --- the exchange with the agent -------------------------------------------------------------- */

/* Waits for fd to be ready for events before the deadline; 0, or -1 with errno ETIMEDOUT. */
static int wait_for(int fd, short events) {
    for (;;) {
        long left = DEADLINE_MS - elapsed_ms();
        if (left <= 0) {
            errno = ETIMEDOUT;
            return -1;
        }
        struct pollfd p = {.fd = fd, .events = events};
        int r = poll(&p, 1, (int)left);
        if (r > 0) {
            return 0;
        }
        if (r < 0 && errno != EINTR) {
            return -1;
        }
    }
}

static int send_all(int fd, const unsigned char *data, size_t len) {
    while (len > 0) {
        ssize_t w = send(fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            if (wait_for(fd, POLLOUT) != 0) {
                return -1;
            }
            continue;
        }
        if (w < 0) {
            return -1;
        }
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

static int recv_all(int fd, unsigned char *data, size_t len) {
    while (len > 0) {
        ssize_t r = recv(fd, data, len, MSG_DONTWAIT);
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            if (wait_for(fd, POLLIN) != 0) {
                return -1;
            }
            continue;
        }
        if (r == 0) {
            errno = ECONNRESET;
            return -1;
        }
        if (r < 0) {
            return -1;
        }
        data += r;
        len -= (size_t)r;
    }
    return 0;
}

static void put32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static uint32_t get32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/*
 * The environment part of a request. Values are written as Java's modified UTF-8 expects them;
 * for ASCII without NUL (all an environment can hold of it) that is the bytes themselves, so a
 * value with any other byte is left to the Java plugin. Returns the header length, or 0.
 */
static size_t request_header(unsigned char *h, size_t cap) {
    size_t at = 12, n = 0;
    for (size_t i = 0; i < N_FORWARDED; i++) {
        const char *v = getenv(FORWARDED[i]);
        if (v == NULL) {
            continue;
        }
        size_t kl = strlen(FORWARDED[i]), vl = strlen(v);
        if (vl > MAX_UTF || at + 4 + kl + vl > cap) {
            return 0;
        }
        for (size_t k = 0; k < vl; k++) {
            if ((unsigned char)v[k] >= 0x80) {
                return 0;
            }
        }
        h[at++] = (unsigned char)(kl >> 8);
        h[at++] = (unsigned char)kl;
        memcpy(h + at, FORWARDED[i], kl);
        at += kl;
        h[at++] = (unsigned char)(vl >> 8);
        h[at++] = (unsigned char)vl;
        memcpy(h + at, v, vl);
        at += vl;
        n++;
    }
    put32(h, MAGIC);
    put32(h + 4, PROTOCOL_VERSION);
    put32(h + 8, (uint32_t)n);
    return at;
}

/*
 * Copies all of stdin into a fresh memfd; returns it (offset at the end), or -1 if no memfd could
 * be had (stdin untouched), or -2 if stdin could not be read (the Java plugin reports that).
 */
static int slurp_stdin(size_t *len) {
    int fd = memfd_create("fabricbinder-ipam-stdin", MFD_CLOEXEC);
    unsigned char chunk[65536];
    *len = 0;
    if (fd < 0) {
        return -1;
    }
    for (;;) {
        ssize_t r = read(STDIN_FILENO, chunk, sizeof chunk);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            close(fd);
            return -2;
        }
        if (r == 0) {
            return fd;
        }
        for (ssize_t off = 0; off < r;) {
            ssize_t w = write(fd, chunk + off, (size_t)(r - off));
            if (w < 0 && errno == EINTR) {
                continue;
            }
            if (w < 0) {
                close(fd);
                return -1;
            }
            off += w;
        }
        *len += (size_t)r;
    }
}

int main(int argc, char **argv) {
    (void)argc;
    saved_argv = argv;
    clock_gettime(CLOCK_MONOTONIC, &started);
    /*
     * A closed stdin, stdout or stderr would be the next descriptor this program opens (the socket
     * read as stdin, the answer written into the memfd): each gets /dev/null first. The Java plugin
     * then sees what it would have seen (an empty stdin, a lost stdout).
     */
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) == -1 && errno == EBADF && open("/dev/null", O_RDWR) != fd) {
            _exit(11);
        }
    }
    /* only this program sets it, for the one exec below */
    unsetenv(FORWARDER_TIMEOUT_ENV);

    char socket_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    const char *why = read_config(socket_path, sizeof socket_path);
    if (why != NULL) {
        run_java(NULL, -1, 0); /* the Java plugin names the file and the problem */
    }
    static unsigned char header[12 + N_FORWARDED * (4 + 16 + MAX_UTF) + 4];
    size_t header_len = request_header(header, sizeof header - 4);
    if (header_len == 0) {
        run_java(NULL, -1, 0);
    }

    /* stdin first, as the Java plugin reads it: no connection is held while the runtime writes */
    size_t body_len;
    int body_fd = slurp_stdin(&body_len);
    if (body_fd < 0) {
        run_java(body_fd == -1 ? "cannot buffer stdin" : "cannot read stdin", -1, 0);
    }
    if (body_len > MAX_BODY) {
        run_java(NULL, body_fd, 0);
    }
    unsigned char *body = NULL;
    if (body_len > 0) {
        body = mmap(NULL, body_len, PROT_READ, MAP_PRIVATE, body_fd, 0);
        if (body == MAP_FAILED) {
            run_java("cannot map stdin", body_fd, 0);
        }
    }

    int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0) {
        run_java("cannot create a socket", body_fd, 0);
    }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    memcpy(addr.sun_path, socket_path, strlen(socket_path) + 1);
    /* a unix connect waits while the agent's backlog is full: bounded by the send timeout */
    long left = DEADLINE_MS - elapsed_ms();
    struct timeval tv = {.tv_sec = left > 0 ? left / 1000 : 0, .tv_usec = left > 0 ? (left % 1000) * 1000 : 1000};
    setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    while (connect(sock, (struct sockaddr *)&addr, sizeof addr) != 0) {
        if (errno == EINTR && elapsed_ms() < DEADLINE_MS) {
            continue;
        }
        int timed_out = errno == EAGAIN || errno == EWOULDBLOCK || errno == ETIMEDOUT;
        close(sock);
        /* not connected: nothing was sent */
        run_java(timed_out ? NULL : "the node agent is not listening", body_fd, timed_out);
    }
    put32(header + header_len, (uint32_t)body_len);
    unsigned char head[12];
    if (send_all(sock, header, header_len + 4) != 0 || send_all(sock, body, body_len) != 0
            || recv_all(sock, head, sizeof head) != 0) {
        int timed_out = errno == ETIMEDOUT;
        close(sock);
        run_java(timed_out ? NULL : "the node agent closed the connection", body_fd, timed_out);
    }
    uint32_t out_len = get32(head + 8);
    if (get32(head) != MAGIC || out_len > MAX_BODY) {
        close(sock);
        run_java("the node agent's answer is not of this protocol", body_fd, 0);
    }
    unsigned char *out = malloc(out_len > 0 ? out_len : 1);
    if (out == NULL || recv_all(sock, out, out_len) != 0) {
        int timed_out = out != NULL && errno == ETIMEDOUT;
        close(sock);
        run_java(timed_out ? NULL : "the node agent's answer was cut short", body_fd, timed_out);
    }
    close(sock);
    /* the answer is complete: from here on, this program answers */
    for (size_t off = 0; off < out_len;) {
        ssize_t w = write(STDOUT_FILENO, out + off, out_len - off);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w < 0) {
            fprintf(stderr, "fabricbinder-ipam: cannot write stdout: %s\n", strerror(errno));
            break;
        }
        off += (size_t)w;
    }
    free(out);
    return (int)(get32(head + 4) & 0xff);
}
