package dev.loupe.examples;

import dev.loupe.data.Batch;
import dev.loupe.data.idx.FashionMnist;
import dev.loupe.nn.train.StepMetrics;
import dev.loupe.nn.train.Trainer;
import dev.loupe.nn.train.TrainingListener;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SimCLR example: a run killed after step 6 and resumed from its step-4 checkpoint ends bit for bit where the straight run ends. */
class SimClrFashionMnistTest {
    private static final class Killed extends RuntimeException {}

    @TempDir
    Path tmp;

    @Test
    void aKilledRunResumedFromItsCheckpointEndsBitForBitLikeTheStraightRun() throws Exception {
        Path data = FashionMnistFiles.dir(tmp);
        SimClrFashionMnist.Run straight = SimClrFashionMnist.prepare(data, tmp.resolve("straight"), 8);
        straight.trainer().fit();

        Path runDir = tmp.resolve("killed");
        Trainer<Batch> killed = SimClrFashionMnist.prepare(data, runDir, 8).trainer();
        killed.addListener(new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                if (m.step() == 6) throw new Killed();
            }
        });
        assertThrows(Killed.class, killed::fit);

        SimClrFashionMnist.Run resumed = SimClrFashionMnist.prepare(data, runDir, 8);
        assertTrue(resumed.trainer().resume(runDir));
        assertEquals(4, resumed.trainer().step());
        resumed.trainer().fit();

        Map<String, Tensor> want = straight.simclr().module().stateDict(), got = resumed.simclr().module().stateDict();
        assertEquals(want.keySet(), got.keySet());
        List<String> differ = new ArrayList<>();
        want.forEach((name, t) -> {
            if (!Arrays.equals(t.toFloatArray(), got.get(name).toFloatArray())) differ.add(name);
        });
        assertEquals(List.of(), differ, "parameters and buffers that differ after the resume");
    }

    @Test
    void theProgramTrainsEvaluatesAndWritesAModelThatEmbedFolderReads() throws Exception {
        Path data = FashionMnistFiles.dir(tmp), runDir = tmp.resolve("run");
        String out = Console.capture(() -> SimClrFashionMnist.main(new String[] {data.toString(), runDir.toString()}));
        assertTrue(out.contains("kNN top-1"), out);
        assertTrue(Files.isRegularFile(runDir.resolve("model.safetensors")), out);
        String again = Console.capture(() -> SimClrFashionMnist.main(new String[] {data.toString(), runDir.toString()}));
        assertTrue(again.contains("resumed at step 16"), again);

        Path images = Images.grey(tmp.resolve("images"), 5, 28);
        String embedded = Console.capture(() -> EmbedFolder.main(new String[] {runDir.resolve("model.safetensors").toString(), images.toString()}));
        assertTrue(embedded.contains("5 images -> 5 x 64 embeddings"), embedded);
        assertTrue(embedded.contains("mean [" + FashionMnist.MEAN + "]"), embedded);   // the normalisation the file records
    }
}
