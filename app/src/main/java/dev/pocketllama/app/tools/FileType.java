package dev.pocketllama.app.tools;

import dev.pocketllama.inference.gguf.GgmlType;

/**
 * The whole-file types our tools write, with llama.cpp's {@code general.file_type} ids (llama_ftype) and the names
 * llama-bench prints for them.
 */
public enum FileType {
    F32(0, GgmlType.F32, "all F32"),
    F16(1, GgmlType.F16, "F16"),
    Q4_0(2, GgmlType.Q4_0, "Q4_0"),
    Q8_0(7, GgmlType.Q8_0, "Q8_0"),
    Q4_K_M(15, GgmlType.Q4_K, "Q4_K - Medium");

    /** The value of {@code general.file_type}. */
    final int id;
    /** The type most 2-D weights get. */
    final GgmlType base;
    /** llama.cpp's llama_ftype_name. */
    final String displayName;

    FileType(int id, GgmlType base, String displayName) {
        this.id = id;
        this.base = base;
        this.displayName = displayName;
    }

    boolean quantized() { return this != F32 && this != F16; }
}
