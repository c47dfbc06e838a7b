// libgit2 for Swift: the header plus what Swift cannot call directly
// (variadic git_libgit2_opts, macro-only initialisers).
#ifndef TRACKBOT_CGIT2_SHIM_H
#define TRACKBOT_CGIT2_SHIM_H
#include <git2.h>
#include <git2/sys/repository.h>

static inline int trackbot_git_opt_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}
static inline int trackbot_git_opt_enable_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}
static inline int trackbot_git_opt_set_mwindow_size(size_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, bytes);
}
static inline int trackbot_git_opt_set_mwindow_mapped_limit(size_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, bytes);
}
#endif
