package dev.loupe.nn;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Rng;
import dev.loupe.tensor.UnaryOp;

/** fc1 -> activation -> fc2 (timm's Mlp). Shape: (..., D) -> (..., D); hidden = D * mlp ratio. */
public final class Mlp extends Module {
    public final Linear fc1, fc2;
    private final UnaryOp activation;

    public Mlp(int dim, int hidden, UnaryOp activation, Rng rng) {
        this.fc1 = child("fc1", new Linear(dim, hidden, true, rng));
        this.fc2 = child("fc2", new Linear(hidden, dim, true, rng));
        this.activation = activation;
    }

    public Var forward(Var x) {
        // the activation runs in fc1's GEMM output pass: one (.., hidden) tensor in inference, two in training
        return fc2.forward(fc1.forward(x, activation));
    }
}
