package dev.loupe.nn.optim;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Optimiser state: its keys, per-parameter update counts, and the validation done by loadStateDict. */
class OptimizerStateTest {
    private static Map<String, Var> params() {
        Map<String, Var> ps = new LinkedHashMap<>();
        ps.put("w", Var.param(Tensor.of(new float[] {1, -2, 3, 0.5f, 0, 1}, 2, 3)));
        ps.put("b", Var.param(Tensor.of(new float[] {0.1f, -0.1f}, 2)));
        return ps;
    }

    private static void gradStep(Map<String, Var> ps, Optimizer opt) {
        ps.values().forEach(p -> p.setGrad(Tensor.full(p.dtype(), 0.5, p.sizes())));
        opt.step();
    }

    private static Map<String, Tensor> trainedAdamWState() {
        Map<String, Var> ps = params();
        AdamW opt = new AdamW(ParamGroup.single(ps), 1e-2);
        gradStep(ps, opt);
        gradStep(ps, opt);
        return opt.stateDict();
    }

    private static String loadError(Optimizer opt, Map<String, Tensor> state) {
        return assertThrows(IllegalArgumentException.class, () -> opt.loadStateDict(state))
                .getMessage();
    }

    @Test
    void adamWStateHasTorchSlotNamesAndPerParameterCounts() {
        Map<String, Tensor> s = trainedAdamWState();
        assertEquals(
                List.of("step", "w.exp_avg", "w.exp_avg_sq", "w.step", "b.exp_avg", "b.exp_avg_sq", "b.step"),
                List.copyOf(s.keySet()));
        assertEquals(2, s.get("step").item());
        assertEquals(2, s.get("w.step").item());
    }

    @Test
    void sgdAndLarsStateSlots() {
        Map<String, Var> ps = params();
        Sgd sgd = new Sgd(ParamGroup.single(ps), 0.1, 0.9, false, 0);
        gradStep(ps, sgd);
        assertEquals(
                List.of("step", "w.momentum_buffer", "b.momentum_buffer"),
                List.copyOf(sgd.stateDict().keySet()));
        Lars lars = new Lars(ParamGroup.single(ps), 0.1, 0);
        gradStep(ps, lars);
        assertEquals(
                List.of("step", "w.mu", "b.mu"), List.copyOf(lars.stateDict().keySet()));
    }

    @Test
    void unknownParameterIsNamed() {
        Map<String, Tensor> s = new LinkedHashMap<>(trainedAdamWState());
        s.put("head.weight.exp_avg", Tensor.zeros(2, 3));
        String msg = loadError(new AdamW(ParamGroup.single(params()), 1e-2), s);
        assertTrue(msg.contains("head.weight.exp_avg") && msg.contains("unknown parameter 'head.weight'"), msg);
    }

    @Test
    void shapeMismatchIsNamedWithBothShapes() {
        Map<String, Tensor> s = new LinkedHashMap<>(trainedAdamWState());
        s.put("w.exp_avg_sq", Tensor.zeros(3, 2));
        String msg = loadError(new AdamW(ParamGroup.single(params()), 1e-2), s);
        assertTrue(msg.contains("'w.exp_avg_sq'") && msg.contains("(3, 2)") && msg.contains("(2, 3)"), msg);
    }

    @Test
    void unknownSlotAndIncompleteStateAreNamed() {
        Map<String, Tensor> s = new LinkedHashMap<>(trainedAdamWState());
        s.remove("b.exp_avg_sq");
        s.put("w.momentum_buffer", Tensor.zeros(2, 3));
        String msg = loadError(new AdamW(ParamGroup.single(params()), 1e-2), s);
        assertTrue(msg.contains("'w.momentum_buffer' names no state slot of AdamW"), msg);
        assertTrue(msg.contains("parameter 'b' has state [exp_avg] but lacks [exp_avg_sq]"), msg);
    }

    @Test
    void adamWStateWithoutUpdateCountsIsRefused() {
        Map<String, Tensor> s = new LinkedHashMap<>(trainedAdamWState());
        s.remove("w.step");
        String msg = loadError(new AdamW(ParamGroup.single(params()), 1e-2), s);
        assertTrue(msg.contains("parameter 'w' has state but no update count 'w.step'"), msg);
    }

    @Test
    void missingStepIsRefused() {
        Map<String, Tensor> s = new LinkedHashMap<>(trainedAdamWState());
        s.remove("step");
        assertTrue(loadError(new AdamW(ParamGroup.single(params()), 1e-2), s).contains("no 'step'"));
    }

    @Test
    void aFailedLoadChangesNothing() {
        Map<String, Var> ps = params();
        Sgd opt = new Sgd(ParamGroup.single(ps), 0.1, 0.9, false, 0);
        gradStep(ps, opt);
        float[] before = opt.stateDict().get("w.momentum_buffer").toFloatArray();
        Map<String, Tensor> bad = new LinkedHashMap<>();
        bad.put("step", Tensor.ofLongs(new long[] {7}));
        bad.put("w.momentum_buffer", Tensor.zeros(2, 3));
        bad.put("nope.momentum_buffer", Tensor.zeros(1));
        loadError(opt, bad);
        assertEquals(1, opt.stepCount());
        assertArrayEquals(before, opt.stateDict().get("w.momentum_buffer").toFloatArray());
    }

    @Test
    void aParameterInTwoGroupsIsRefused() {
        Map<String, Var> ps = params();
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new Sgd(
                        List.of(
                                new ParamGroup("a", ps, 1, true),
                                new ParamGroup("b", Map.of("w", ps.get("w")), 1, false)),
                        0.1,
                        0,
                        false,
                        0));
        assertTrue(e.getMessage().contains("'w' is in groups 'a' and 'b'"), e.getMessage());
    }

    /**
     * A parameter without a gradient at step 1 (DINO's frozen last layer) starts its own bias
     * correction at its first update, as torch's per-parameter step: Adam's first step moves each
     * element by lr g / (|g| + eps), i.e. lr for this gradient, not 3.16 lr as a global step 2 would.
     */
    @Test
    void adamWBiasCorrectionCountsEachParametersOwnUpdates() {
        Map<String, Var> ps = params();
        AdamW opt = new AdamW(ParamGroup.single(ps), 1e-2, 0.9, 0.999, 1e-8, 0);
        Var w = ps.get("w"), b = ps.get("b");
        w.setGrad(Tensor.full(w.dtype(), 0.5, w.sizes()));
        opt.step();
        assertNull(opt.stateDict().get("b.exp_avg"), "no gradient, no state");
        float before = b.data().toFloatArray()[0];
        gradStep(ps, opt);
        assertEquals(1e-2, before - b.data().toFloatArray()[0], 1e-6);
        assertEquals(1, opt.stateDict().get("b.step").item());
        assertEquals(2, opt.stateDict().get("w.step").item());
    }
}
