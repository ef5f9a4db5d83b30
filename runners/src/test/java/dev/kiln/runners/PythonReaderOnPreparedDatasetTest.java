package dev.kiln.runners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The single-file Python reader reads what {@code kiln prepare} wrote, by index and by key. */
class PythonReaderOnPreparedDatasetTest {
  @TempDir Path tmp;

  @Test
  void pythonReadsEverySampleOfAPreparedKilnDataset() throws Exception {
    Path out = RunnerEquivalenceTest.prepare(tmp, "ds", "--format=kiln");
    String script =
        "ds = kiln_reader.KilnDataset(sys.argv[2])\n"
            + "keys = sorted(ds[i]['key'] for i in range(len(ds)))\n"
            + "s = ds.get('food/coffee')\n"
            + "print(json.dumps({'n': len(ds), 'keys': keys, 'w': s['width'], 'h': s['height'],"
            + " 'jpeg': s['image'][:2] == b'\\xff\\xd8', 'orient': ds.get('animals/chelsea-exif-rotated')['source']['orientation']}))\n";
    String printed = runPython(script, out);
    assertTrue(printed.contains("\"n\": 7"), printed);
    assertTrue(printed.contains("\"w\": 256, \"h\": 256, \"jpeg\": true, \"orient\": 6"), printed);
    assertTrue(
        printed.contains("\"animals/chelsea\", \"animals/chelsea-exif-rotated\", \"food/coffee\""),
        printed);
  }

  @Test
  void rawSamplesThatKeepAlphaReadAsFourChannelArrays() throws Exception {
    Path out =
        RunnerEquivalenceTest.prepare(
            tmp, "ds", "--format=kiln", "--encode=raw", "--keep-alpha", "--size=64");
    String script =
        "ds = kiln_reader.KilnDataset(sys.argv[2])\n"
            // Plain Python (the test machine may lack numpy): HxWxC from the metadata, checked
            // against the byte count; alpha is every fourth byte.
            + "def shape(s):\n"
            + "    h, w, c = s['height'], s['width'], s['channels']\n"
            + "    assert len(s['image']) == h * w * c, (len(s['image']), h, w, c)\n"
            + "    return [h, w, c]\n"
            + "cut = ds.get('misc/coffee-cutout-alpha')\n"
            + "rgb = ds.get('food/coffee')\n"
            + "a = cut['image'][3::4]\n"
            + "print(json.dumps({'cut': shape(cut), 'rgb': shape(rgb),"
            + " 'min_a': min(a), 'max_a': max(a)}))\n";
    String printed = runPython(script, out);
    assertEquals(
        "{\"cut\": [64, 64, 4], \"rgb\": [64, 64, 3], \"min_a\": 0, \"max_a\": 255}", printed);
  }

  /**
   * Runs {@code script} with python3 after importing {@code kiln_reader} (and {@code sys}, {@code
   * json}); {@code sys.argv[2]} is {@code dataset}. Returns what it printed; fails the test unless
   * it exits 0.
   */
  private static String runPython(String script, Path dataset) throws Exception {
    String prelude = "import sys, json\nsys.path.insert(0, sys.argv[1])\nimport kiln_reader\n";
    Process p =
        new ProcessBuilder(
                "python3",
                "-c",
                prelude + script,
                Path.of("../formats/python").toAbsolutePath().toString(),
                dataset.toString())
            .redirectErrorStream(true)
            .start();
    String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals(0, p.waitFor(), printed);
    return printed;
  }
}
