// TensorCore: NCHW float tensors and the ops of classic CNNs on OpenBLAS; no modules, no I/O.
