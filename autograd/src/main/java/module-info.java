/** Differentiable tensors ({@link dev.loupe.autograd.Var}), the backward pass, no-grad scopes, gradcheck. */
module dev.loupe.autograd {
    requires transitive dev.loupe.tensor;

    exports dev.loupe.autograd;
}
