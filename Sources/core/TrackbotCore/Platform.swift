// trackbot is built and tested on Linux only (Glibc, /proc, the distribution's libgit2 and
// libcurl); say so at compile time rather than fail later in a less clear way.
#if !os(Linux)
#error("trackbot builds on Linux only: see README.md (Debian 12 with scripts/install-deps)")
#endif
