// libzstd for Swift: the streaming decompression API.
#ifndef TRACKBOT_CZSTD_SHIM_H
#define TRACKBOT_CZSTD_SHIM_H
#include <zstd.h>
#include <zstd_errors.h>
#endif
