"""Shared by the session check scripts: batch norms that are not the identity, so every layer is tested."""
import torch


def randomize_batch_norms(model):
    """Draws every BatchNorm2d's running statistics and affine parameters (in module order, from torch's RNG)."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.2, 0.2)
                module.running_var.uniform_(0.5, 1.5)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)
