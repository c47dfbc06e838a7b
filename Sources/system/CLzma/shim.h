// liblzma for Swift: LZMA_STREAM_INIT and LZMA_CONCATENATED are macros.
#ifndef TRACKBOT_CLZMA_SHIM_H
#define TRACKBOT_CLZMA_SHIM_H
#include <lzma.h>
#include <string.h>

static inline void trackbot_lzma_stream_init(lzma_stream *s) { lzma_stream tmp = LZMA_STREAM_INIT; *s = tmp; }
static inline uint32_t trackbot_lzma_concatenated(void) { return LZMA_CONCATENATED; }
#endif
