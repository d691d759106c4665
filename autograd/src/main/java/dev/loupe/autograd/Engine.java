package dev.loupe.autograd;

import dev.loupe.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The backward pass: reverse topological order over the recorded graph, gradients summed on fan-out. */
final class Engine {
    private Engine() {}

    static void backward(Var root, Tensor seed) {
        List<Var> order = topologicalOrder(root);
        Map<Var, Tensor> pending = new IdentityHashMap<>();
        pending.put(root, seed);
        try (var scope = GradMode.disable();
                var buffers = BackwardBuffers.open()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Var v = order.get(i);
                Tensor g = pending.remove(v);
                if (g == null) continue;
                Node node = v.creator();
                if (node == null) {
                    accumulate(v, g, buffers);
                    buffers.release(g, pending.values());
                    v.runGradHooks();
                    continue;
                }
                if (v.retainsGrad()) accumulate(v, g, buffers);
                node.checkSavedUnchanged();
                Tensor[] inputGrads = node.backward.apply(g);
                if (inputGrads.length != node.inputs.length) {
                    throw new IllegalStateException("backward of " + node.op + " returned " + inputGrads.length
                            + " gradients for " + node.inputs.length + " inputs");
                }
                List<Tensor> consumed = new ArrayList<>(List.of(g)); // read by now; freed unless still shared
                for (int k = 0; k < inputGrads.length; k++) {
                    Var in = node.inputs[k];
                    if (inputGrads[k] == null || !in.requiresGrad()) continue;
                    Tensor ig = Grads.sumToShape(inputGrads[k], in.data().sizes(), node.op);
                    if (ig != inputGrads[k]) consumed.add(inputGrads[k]);
                    Tensor before = pending.get(in);
                    if (before == null) {
                        pending.put(in, ig);
                    } else {
                        pending.put(in, before.add(ig));
                        consumed.add(before);
                        consumed.add(ig);
                    }
                }
                for (Tensor t : consumed) buffers.release(t, pending.values());
            }
        }
    }

    /** Adds g to v's stored gradient, which then lives on past the pass. */
    private static void accumulate(Var v, Tensor g, BackwardBuffers buffers) {
        v.accumulateGrad(g);
        buffers.stored(v.grad());
    }

    /** Vars reachable from root through recorded nodes, each after all of its inputs (iterative DFS). */
    private static List<Var> topologicalOrder(Var root) {
        List<Var> order = new ArrayList<>();
        Set<Var> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Var> stack = new ArrayDeque<>();
        Deque<Integer> nextChild = new ArrayDeque<>();
        stack.push(root);
        nextChild.push(0);
        visited.add(root);
        while (!stack.isEmpty()) {
            Var v = stack.peek();
            int child = nextChild.pop();
            Node node = v.creator();
            if (node != null && child < node.inputs.length) {
                nextChild.push(child + 1);
                Var in = node.inputs[child];
                if (in.requiresGrad() && visited.add(in)) {
                    stack.push(in);
                    nextChild.push(0);
                }
            } else {
                stack.pop();
                order.add(v);
            }
        }
        return order;
    }
}
