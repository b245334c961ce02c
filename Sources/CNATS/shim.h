#ifndef VIGIL_CNATS_SHIM_H
#define VIGIL_CNATS_SHIM_H
#include <nats/nats.h>
#endif
