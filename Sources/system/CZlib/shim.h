// zlib for Swift: inflateInit2 is a macro.
#ifndef TRACKBOT_CZLIB_SHIM_H
#define TRACKBOT_CZLIB_SHIM_H
#include <zlib.h>

// windowBits 15 + 32: accept both gzip and zlib headers.
static inline int trackbot_inflate_init_auto(z_streamp strm) { return inflateInit2(strm, 15 + 32); }
#endif
