// Models: builders of every zoo model, a file per family (built on NN).
