// NN: module tree, layers, static analysis, weights I/O and the executor (built on TensorCore).
