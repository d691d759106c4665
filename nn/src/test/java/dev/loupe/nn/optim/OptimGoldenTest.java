package dev.loupe.nn.optim;

import static dev.loupe.tensor.testing.TensorAssert.assertCloseToScale;
import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.autograd.Var;
import dev.loupe.tensor.Tensor;
import dev.loupe.tensor.io.SafeTensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SGD (momentum 0.9, with and without Nesterov, weight decay), LARS and DINO's cosine schedules
 * against PyTorch / numpy over 3 steps with given gradients, in float32 and float64. Fixture made
 * by tools/golden/make_optim_fixture.py (Debian python3-torch 1.13).
 *
 * <p>Tolerances, relative to each tensor's largest magnitude: float64 1e-15 and float32 1e-7 (about
 * one ulp of the scale). The formulas are the same, but torch's vectorised {@code add(x, alpha)} may
 * fuse the multiply-add where Loupe rounds the product first, and LARS's norms are summed in another
 * order (in double by Loupe), so an element can differ in its last bit; observed worst cases are
 * 1.1e-8 (f32) and 2e-17 (f64) of the scale.
 */
class OptimGoldenTest {
    private static Map<String, Tensor> fixture;

    @BeforeAll
    static void load() throws Exception {
        fixture = SafeTensors.read(Path.of(OptimGoldenTest.class
                .getResource("/golden/optim_steps.safetensors")
                .toURI()));
    }

    private static double rtol(String dtype) {
        return dtype.equals("f64") ? 1e-15 : 1e-7;
    }

    private static Map<String, Var> params(String dtype) {
        Map<String, Var> out = new LinkedHashMap<>();
        for (String k : List.of("w", "b", "n", "z"))
            out.put(k, Var.param(fixture.get(dtype + ".init." + k).copy()));
        return out;
    }

    /** Runs 3 steps with the fixture's gradients and compares every parameter after each step. */
    private static void check(String dtype, String run, Map<String, Var> ps, Optimizer opt) {
        for (int step = 1; step <= 3; step++) {
            for (var e : ps.entrySet()) e.getValue().setGrad(fixture.get(dtype + ".grad" + step + "." + e.getKey()));
            opt.step();
            for (var e : ps.entrySet()) {
                assertCloseToScale(
                        dtype + " " + run + " step " + step + " " + e.getKey(),
                        fixture.get(dtype + "." + run + ".step" + step + "." + e.getKey()),
                        e.getValue().data(),
                        rtol(dtype));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"f32", "f64"})
    void sgdNesterovMatchesTorch(String dtype) {
        Map<String, Var> ps = params(dtype);
        check(dtype, "sgd_nesterov", ps, new Sgd(ParamGroup.single(ps), 0.1, 0.9, true, 0.01));
    }

    @ParameterizedTest
    @ValueSource(strings = {"f32", "f64"})
    void sgdMomentumMatchesTorch(String dtype) {
        Map<String, Var> ps = params(dtype);
        check(dtype, "sgd_momentum", ps, new Sgd(ParamGroup.single(ps), 0.1, 0.9, false, 0.01));
    }

    @ParameterizedTest
    @ValueSource(strings = {"f32", "f64"})
    void larsMatchesTorch(String dtype) {
        Map<String, Var> ps = params(dtype);
        Map<String, Var> decay = new LinkedHashMap<>(ps), noDecay = new LinkedHashMap<>();
        noDecay.put("n", decay.remove("n"));
        List<ParamGroup> groups =
                List.of(new ParamGroup("decay", decay, 1.0, true), new ParamGroup("no_decay", noDecay, 1.0, false));
        check(dtype, "lars", ps, new Lars(groups, 0.5, 0.9, 0.001, 0.05));
    }

    /**
     * DINO's cosine_scheduler values (numpy) for lr with a 2-epoch warm-up, weight decay and teacher
     * momentum, 5 epochs x 7 iterations. Same formula and order of operations, but numpy's cos and
     * Java's Math.cos may differ in the last ulp, and end + 0.5 (base - end)(1 + cos) can cancel
     * (0.4 - 0.359 for the weight decay), so the bound is 1e-15 of the schedule's largest value
     * (a few ulps of the terms), not of each result.
     */
    @Test
    void cosineScheduleMatchesDino() {
        int epochs = 5, perEpoch = 7;
        Map<String, Function<Long, Double>> schedules = Map.of(
                "lr", new CosineSchedule(5e-4, 1e-6, epochs * perEpoch, 2 * perEpoch, 0)::at,
                "wd", new CosineSchedule(0.04, 0.4, epochs * perEpoch, 0, 0)::at,
                "momentum", new CosineSchedule(0.996, 1, epochs * perEpoch, 0, 0)::at);
        schedules.forEach((name, at) -> {
            Tensor expected = fixture.get("sched." + name);
            assertEquals(epochs * perEpoch, expected.numel(), name);
            double scale = expected.abs().max(false).item();
            for (int i = 0; i < expected.numel(); i++) {
                double e = expected.getDouble(i), a = at.apply((long) i);
                assertEquals(e, a, 1e-15 * scale, name + " at iteration " + i);
            }
        });
    }

    @Test
    void warmupReachesBaseOnItsLastIterationAsNumpyLinspace() {
        CosineSchedule s = new CosineSchedule(1.0, 0.0, 10, 5, 0.0);
        assertEquals(0.0, s.at(0));
        assertEquals(0.25, s.at(1));
        assertEquals(1.0, s.at(4));
        assertEquals(1.0, s.at(5));
        assertEquals(0.0, s.at(10));
        assertEquals(0.5, new CosineSchedule(1.0, 0.0, 3, 1, 0.5).at(0));
    }
}
