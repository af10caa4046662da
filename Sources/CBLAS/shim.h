// OpenBLAS's CBLAS interface; only TensorCore/GEMM.swift imports this module.
#include <cblas.h>
// Not declared in cblas.h on every OpenBLAS build; both exist in libopenblas.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
