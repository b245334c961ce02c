#ifndef VIGIL_CLIBPQ_SHIM_H
#define VIGIL_CLIBPQ_SHIM_H
#include <postgresql/libpq-fe.h>
#endif
