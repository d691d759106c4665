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
        try (var scope = GradMode.disable()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Var v = order.get(i);
                Tensor g = pending.remove(v);
                if (g == null) continue;
                Node node = v.creator();
                if (node == null) {
                    v.accumulateGrad(g);
                    v.runGradHooks();
                    continue;
                }
                if (v.retainsGrad()) v.accumulateGrad(g);
                node.checkSavedUnchanged();
                Tensor[] inputGrads = node.backward.apply(g);
                if (inputGrads.length != node.inputs.length) {
                    throw new IllegalStateException("backward of " + node.op + " returned " + inputGrads.length
                            + " gradients for " + node.inputs.length + " inputs");
                }
                for (int k = 0; k < inputGrads.length; k++) {
                    Var in = node.inputs[k];
                    if (inputGrads[k] == null || !in.requiresGrad()) continue;
                    Tensor ig = Grads.sumToShape(inputGrads[k], in.data().sizes(), node.op);
                    pending.merge(in, ig, Tensor::add);
                }
            }
        }
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
