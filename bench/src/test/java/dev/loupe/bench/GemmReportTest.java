package dev.loupe.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class GemmReportTest {
    private static final GemmSpeed.Result SQUARE = new GemmSpeed.Result(256, 256, 256, false, false, 2, 0.0015, 22.37);
    private static final GemmSpeed.Result TN = new GemmSpeed.Result(64, 32, 16, true, false, 2, 2e-6, 16.38);

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private GemmReport report(boolean json) {
        return new GemmReport(new PrintStream(bytes, true, StandardCharsets.UTF_8), json);
    }

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void tableHasAHeadingAndARowPerShape() {
        GemmReport r = report(false);
        r.heading(2, "vector");
        r.result(SQUARE);
        r.result(TN);
        assertEquals("""
                loupe gemm, 2 threads, kernels vector
                      m       n       k  op         ms   GFLOP/s
                    256     256     256  NN      1.500      22.4
                     64      32      16  TN      0.002      16.4
                """, printed());
    }

    @Test
    void jsonIsOneObjectPerShapeWithoutHeading() {
        GemmReport r = report(true);
        r.heading(2, "vector");
        r.result(TN);
        assertEquals(
                "{\"impl\":\"loupe\",\"m\":64,\"n\":32,\"k\":16,\"op\":\"TN\",\"threads\":2,\"seconds\":2.0E-6,\"gflops\":16.4}\n",
                printed());
    }

    @Test
    void thePeerIsComparedOnSquareNNSizesOnly() throws Exception {
        assertEquals(List.of(SQUARE), GemmReport.squareNN(List.of(TN, SQUARE)));
        assertThrows(IllegalArgumentException.class, () -> GemmReport.squareNN(List.of(TN)));

        ObjectMapper m = new ObjectMapper();
        GemmReport table = report(false);
        table.peer(List.of(SQUARE), List.of(m.readTree("{\"n\":256,\"gflops\":20.0,\"blas_core\":\"Haswell\"}")), 2);
        assertEquals("""

                peer: numpy OpenBLAS (kernel Haswell), 2 threads, run right after Loupe
                      n loupe GFLOP/s numpy GFLOP/s   ratio
                    256          22.4          20.0   1.12x
                """, printed());

        bytes.reset();
        JsonNode row = m.readTree("{\"impl\":\"numpy\",\"n\":256,\"gflops\":20.0}");
        report(true).peer(List.of(SQUARE), List.of(row), 2);
        assertEquals(
                "{\"impl\":\"numpy\",\"n\":256,\"gflops\":20.0,\"threads\":2,\"loupe_gflops\":22.4,\"ratio\":1.12}\n",
                printed());
    }
}
