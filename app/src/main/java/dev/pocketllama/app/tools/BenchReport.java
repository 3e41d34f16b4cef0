package dev.pocketllama.app.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints bench results as llama-bench does: a markdown table (same columns and widths) or a JSON array. */
final class BenchReport {
    static final String BACKEND = "Java";
    static final String BUILD = "pocketllama 0.1.0";

    /** Column, display width (negative: left-aligned), as llama-bench's markdown printer lays them out. */
    private record Column(String name, int width) { }

    private static final List<Column> COLUMNS = List.of(new Column("model", -30), new Column("size", 10),
            new Column("params", 10), new Column("backend", -10), new Column("threads", 7), new Column("test", 15),
            new Column("t/s", 20));

    private BenchReport() { }

    static void markdownHeader(PrintStream out) {
        var header = new StringBuilder("|");
        var rule = new StringBuilder("|");
        for (Column c : COLUMNS) {
            header.append(' ').append(pad(c.name, c.width)).append(" |");
            rule.append(' ').append("-".repeat(Math.abs(c.width) - 1)).append(c.width > 0 ? ":" : "-").append(" |");
        }
        out.println(header);
        out.println(rule);
    }

    static void markdownRow(PrintStream out, BenchResult r) {
        long size = r.model().sizeBytes();
        long params = r.model().parameters();
        List<String> values = List.of(r.model().type(),
                size < 1L << 30 ? String.format("%.2f MiB", size / 1048576.0) : String.format("%.2f GiB", size / 1073741824.0),
                params < 1_000_000_000L ? String.format("%.2f M", params / 1e6) : String.format("%.2f B", params / 1e9),
                BACKEND, Integer.toString(r.threads()), r.testName(),
                String.format("%.2f ± %.2f", r.avgTokensPerSecond(), r.stddevTokensPerSecond()));
        var row = new StringBuilder("|");
        for (int i = 0; i < COLUMNS.size(); i++) row.append(' ').append(pad(values.get(i), COLUMNS.get(i).width)).append(" |");
        out.println(row);
    }

    static void markdownFooter(PrintStream out) {
        out.println();
        out.println("build: " + BUILD + " (Java " + Runtime.version().feature() + ")");
    }

    private static String pad(String s, int width) { return String.format("%" + width + "s", s); }

    /** llama-bench's JSON fields that mean something here, in its order and with its names. */
    static Map<String, Object> json(BenchResult r, String cpuInfo) {
        var m = new LinkedHashMap<String, Object>();
        m.put("build_commit", BUILD);
        m.put("build_number", 0);
        m.put("cpu_info", cpuInfo);
        m.put("gpu_info", "");
        m.put("backends", BACKEND);
        m.put("model_filename", r.modelFile());
        m.put("model_type", r.model().type());
        m.put("model_size", r.model().sizeBytes());
        m.put("model_n_params", r.model().parameters());
        m.put("n_threads", r.threads());
        m.put("type_k", "f16");
        m.put("type_v", "f16");
        m.put("use_mmap", true);
        m.put("n_prompt", r.nPrompt());
        m.put("n_gen", r.nGen());
        m.put("n_depth", 0);
        m.put("test_time", r.testTime());
        m.put("avg_ns", r.avgNanos());
        m.put("stddev_ns", r.stddevNanos());
        m.put("avg_ts", r.avgTokensPerSecond());
        m.put("stddev_ts", r.stddevTokensPerSecond());
        m.put("samples_ns", r.samplesNanos());
        m.put("samples_ts", r.samplesTokensPerSecond());
        return m;
    }

    static void printJson(PrintStream out, List<BenchResult> results, String cpuInfo) {
        try {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(results.stream().map(r -> json(r, cpuInfo)).toList()));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
