#pragma once

// mlockall for the real-time path: once locked, a page the acquisition or
// DSP threads touch is never paged out, so no frame waits on the disk. An
// option (`eegd --mlock`), as in JACK and PipeWire: it needs CAP_IPC_LOCK or a
// large enough RLIMIT_MEMLOCK (LimitMEMLOCK= in the systemd unit).

#include <cstddef>
#include <string>

#include "eegd/result.hpp"

namespace eegd::core {

// Locks every mapped page now and every page mapped later as it is first
// touched (MCL_ONFAULT: an 8 MB thread stack costs only what it uses).
// The error says why and what would permit it.
status lock_memory();

// Bytes this process has locked (VmLck in /proc/self/status); 0 when unknown.
std::size_t locked_bytes();

}  // namespace eegd::core
