// libgit2 for Swift: the header plus what Swift cannot call directly
// (variadic git_libgit2_opts, macro-only initialisers) and trackbot's socket stream.
#ifndef TRACKBOT_CGIT2_SHIM_H
#define TRACKBOT_CGIT2_SHIM_H
#include <git2.h>
#include <git2/sys/repository.h>
#include <git2/sys/stream.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static inline int trackbot_git_opt_enable_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}
static inline int trackbot_git_opt_set_mwindow_size(size_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, bytes);
}
static inline int trackbot_git_opt_set_mwindow_mapped_limit(size_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, bytes);
}
/// `path` "" means: read no configuration file at that level.
static inline int trackbot_git_opt_set_search_path(git_config_level_t level, const char *path) {
    return git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, (int)level, path);
}
static inline int trackbot_git_opt_get_search_path(git_config_level_t level, git_buf *out) {
    return git_libgit2_opts(GIT_OPT_GET_SEARCH_PATH, (int)level, out);
}

// MARK: - The socket stream
//
// libgit2 1.5 has no server timeout, and a blocking recv() on a server that never answers waits
// for ever (no progress callback fires meanwhile). trackbot registers this stream as libgit2's
// GIT_STREAM_STANDARD: git://, http:// and ssh:// connect through it, and so does https://,
// because the mbedTLS stream wraps git_socket_stream_new(), which consults the registry.
// Every wait (connect, send, receive) is a poll() bounded by the stall timeout.

/// What the streams of one remote session saw. Owned by Swift (TransferWatch), outlives them.
typedef struct {
    int timeout_ms;   // in: the longest wait for the server to accept, answer or take bytes
    int stalled;      // out: a wait ran out
    int unresolved;   // out: a host name did not resolve
    char host[256];   // out: the host that stalled or did not resolve
} trackbot_transfer_watch;

/// Starts like libgit2's git_socket_stream (parent, host, port, socket): its ssh transport reads
/// the socket from there.
typedef struct {
    git_stream parent;
    char *host;
    char *port;
    int s;
    int timeout_ms;
    trackbot_transfer_watch *watch;
} trackbot_socket_stream;

static inline void trackbot_stream_note(trackbot_socket_stream *st, int stalled) {
    if (!st->watch) return;
    if (stalled) st->watch->stalled = 1; else st->watch->unresolved = 1;
    snprintf(st->watch->host, sizeof st->watch->host, "%s", st->host);
}

static inline long long trackbot_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/// Waits until the socket is ready for `events`: 0 when ready, 1 when the stall timeout ran out,
/// -1 with libgit2's error set.
static inline int trackbot_stream_poll(trackbot_socket_stream *st, int fd, short events) {
    long long deadline = trackbot_now_ms() + st->timeout_ms;
    for (;;) {
        long long left = deadline - trackbot_now_ms();
        struct pollfd p = { .fd = fd, .events = events, .revents = 0 };
        int ready = left > 0 ? poll(&p, 1, (int)left) : 0;
        if (ready > 0) return 0;  // readable, writable, or an error that recv/send will report
        if (ready == 0) return 1;
        if (errno == EINTR) continue;
        git_error_set(GIT_ERROR_OS, "waiting for %s:%s failed: %s", st->host, st->port, strerror(errno));
        return -1;
    }
}

/// Records a stall in the watch and as libgit2's error.
static inline void trackbot_stream_stalled(trackbot_socket_stream *st, const char *what) {
    trackbot_stream_note(st, 1);
    git_error_set(GIT_ERROR_NET, "%s:%s %s for %d seconds (stall timeout)", st->host, st->port, what,
                  st->timeout_ms / 1000);
}

/// Waits for `events` on the connected socket; 0 when ready, else -1 with the error set.
static inline int trackbot_stream_wait(trackbot_socket_stream *st, short events, const char *what) {
    int waited = trackbot_stream_poll(st, st->s, events);
    if (waited == 1) trackbot_stream_stalled(st, what);
    return waited == 0 ? 0 : -1;
}

static inline int trackbot_stream_connect(git_stream *stream) {
    trackbot_socket_stream *st = (trackbot_socket_stream *)stream;
    struct addrinfo hints, *info = NULL, *p;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_family = AF_UNSPEC;
    int ret = getaddrinfo(st->host, st->port, &hints, &info);
    if (ret != 0) {
        trackbot_stream_note(st, 0);
        git_error_set(GIT_ERROR_NET, "could not resolve %s: %s", st->host, gai_strerror(ret));
        return -1;
    }
    // Each address in turn, as libgit2's own stream does; a stall counts only if none connects.
    int s = -1, last_errno = 0, timed_out = 0, failed = 0;
    for (p = info; p != NULL && !failed; p = p->ai_next) {
        s = socket(p->ai_family, p->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, p->ai_protocol);
        if (s < 0) { last_errno = errno; continue; }
        int done = connect(s, p->ai_addr, p->ai_addrlen) == 0;
        if (!done && errno == EINPROGRESS) {
            int waited = trackbot_stream_poll(st, s, POLLOUT);
            if (waited == 0) {
                int error = 0;
                socklen_t size = sizeof error;
                if (getsockopt(s, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error == 0) done = 1;
                else last_errno = error ? error : errno;
            } else if (waited == 1) {
                timed_out = 1;
            } else {
                failed = 1;  // poll itself failed; its error is set
            }
        } else if (!done) {
            last_errno = errno;
        }
        if (done) break;
        close(s);
        s = -1;
    }
    freeaddrinfo(info);
    if (s < 0) {
        if (failed) return -1;
        if (timed_out) trackbot_stream_stalled(st, "did not accept the connection");
        else git_error_set(GIT_ERROR_OS, "failed to connect to %s:%s: %s", st->host, st->port,
                           last_errno ? strerror(last_errno) : "no address");
        return -1;
    }
    // Blocking again, as libgit2's own socket is: libssh2 takes the socket over as it is.
    int flags = fcntl(s, F_GETFL);
    if (flags >= 0) fcntl(s, F_SETFL, flags & ~O_NONBLOCK);
    st->s = s;
    return 0;
}

static inline ssize_t trackbot_stream_read(git_stream *stream, void *data, size_t len) {
    trackbot_socket_stream *st = (trackbot_socket_stream *)stream;
    if (trackbot_stream_wait(st, POLLIN, "sent nothing") < 0) return -1;
    ssize_t n;
    do { n = recv(st->s, data, len, 0); } while (n < 0 && errno == EINTR);
    if (n < 0) git_error_set(GIT_ERROR_NET, "error receiving data from %s:%s: %s", st->host, st->port, strerror(errno));
    return n;
}

static inline ssize_t trackbot_stream_write(git_stream *stream, const char *data, size_t len, int flags) {
    trackbot_socket_stream *st = (trackbot_socket_stream *)stream;
    if (trackbot_stream_wait(st, POLLOUT, "took no data") < 0) return -1;
    ssize_t n;
    // MSG_NOSIGNAL: a peer that closed the connection must not kill the process with SIGPIPE.
    do { n = send(st->s, data, len, flags | MSG_NOSIGNAL); } while (n < 0 && errno == EINTR);
    if (n < 0) git_error_set(GIT_ERROR_NET, "error sending data to %s:%s: %s", st->host, st->port, strerror(errno));
    return n;
}

static inline int trackbot_stream_close(git_stream *stream) {
    trackbot_socket_stream *st = (trackbot_socket_stream *)stream;
    int result = st->s >= 0 ? close(st->s) : 0;
    st->s = -1;
    return result;
}

static inline void trackbot_stream_free(git_stream *stream) {
    trackbot_socket_stream *st = (trackbot_socket_stream *)stream;
    if (st->s >= 0) close(st->s);
    free(st->host);
    free(st->port);
    free(st);
}

/// A stream to `host`:`port` whose every wait is bounded by `watch->timeout_ms`, or by
/// `default_timeout_ms` without a watch.
static inline int trackbot_socket_stream_new(git_stream **out, const char *host, const char *port,
                                             trackbot_transfer_watch *watch, int default_timeout_ms) {
    if (!out || !host || !port) {
        git_error_set_str(GIT_ERROR_INVALID, "trackbot socket stream: missing host or port");
        return -1;
    }
    trackbot_socket_stream *st = calloc(1, sizeof *st);
    if (!st) { git_error_set_oom(); return -1; }
    st->host = strdup(host);
    st->port = strdup(port);
    if (!st->host || !st->port) {
        free(st->host); free(st->port); free(st);
        git_error_set_oom();
        return -1;
    }
    st->s = -1;
    st->watch = watch;
    st->timeout_ms = watch && watch->timeout_ms > 0 ? watch->timeout_ms : default_timeout_ms;
    st->parent.version = GIT_STREAM_VERSION;
    st->parent.connect = trackbot_stream_connect;
    st->parent.read = trackbot_stream_read;
    st->parent.write = trackbot_stream_write;
    st->parent.close = trackbot_stream_close;
    st->parent.free = trackbot_stream_free;
    *out = &st->parent;
    return 0;
}

/// Makes `init` libgit2's standard (unencrypted) stream; TLS keeps libgit2's mbedTLS on top of it.
static inline int trackbot_git_register_socket_stream(int (*init)(git_stream **, const char *, const char *)) {
    git_stream_registration registration;
    memset(&registration, 0, sizeof registration);
    registration.version = GIT_STREAM_VERSION;
    registration.init = init;
    return git_stream_register(GIT_STREAM_STANDARD, &registration);
}
#endif
