package dev.pocketllama.inference.tokenizer;

import dev.pocketllama.inference.api.ModelLoadException;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into the words a byte-level BPE vocabulary merges within, as {@code tokenizer.ggml.pre} names it.
 * Each stage refines the previous one's pieces, like llama.cpp's list of regexes. The GPT-2 and LLaMA 3 regexes
 * are hand-written scanners (as in llama.cpp, which does not run them through a regex engine); the others run on a
 * "collapsed" copy of the text where every non-ASCII code point is replaced by one char naming its class, which
 * is exactly how llama.cpp feeds Unicode classes to a byte regex.
 */
final class PreTokenizer {

    private static final Set<String> GPT2 = Set.of("gpt-2", "phi-2", "mpt", "olmo", "jais", "jina-es", "jina-de",
            "jina-v2-es", "jina-v2-de", "gigachat", "mellum", "a.x-4.0", "modern-bert");
    private static final Set<String> LLAMA3 = Set.of("llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1",
            "pixtral", "midm-2.0", "lfm2", "jina-v5-nano");
    private static final Set<String> DIGIT_THEN_GPT2 = Set.of("smollm", "starcoder", "refact", "command-r",
            "codeshell", "exaone", "minerva-7b");
    private static final Set<String> KEEPS_SPACES = Set.of("smollm", "command-r", "qwen2");

    // Collapsed stand-ins for non-ASCII code points, by class (the same bytes llama.cpp uses).
    private static final char WHITESPACE = 0x0B;
    private static final char NUMBER = 0xD1;
    private static final char LETTER = 0xD2;
    private static final char PUNCTUATION = 0xD3;
    private static final char MARK = 0xD4;
    private static final char SYMBOL = 0xD5;
    private static final char OTHER = 0xD0;

    /** One refinement: splits each current piece (given as lengths in code points) further. */
    private interface Stage {
        IntList split(int[] cps, String collapsed, IntList pieces);
    }

    private final List<Stage> stages;
    private final boolean llama3Flags;
    private final boolean cleansSpaces;

    private PreTokenizer(List<Stage> stages, boolean llama3Flags, boolean cleansSpaces) {
        this.stages = stages;
        this.llama3Flags = llama3Flags;
        this.cleansSpaces = cleansSpaces;
    }

    static PreTokenizer forName(String pre, String source) {
        Stage gpt2 = PreTokenizer::gpt2;
        if (pre.isEmpty() || pre.equals("default")) {
            return new PreTokenizer(List.of(
                    regex("[\\xD3!-#%-*,-/:-;?-@\\[-\\]_{}$+<=>^~|]+"), gpt2, regex("[\\xD10-9]+"),
                    regex("[0-9][0-9][0-9]")), false, true);
        }
        if (GPT2.contains(pre)) return new PreTokenizer(List.of(gpt2), false, true);
        if (LLAMA3.contains(pre)) {
            return new PreTokenizer(List.of((cps, c, p) -> llama3(cps, p, 3)), true, true);
        }
        if (pre.equals("qwen2")) return new PreTokenizer(List.of((cps, c, p) -> llama3(cps, p, 1)), false, false);
        if (DIGIT_THEN_GPT2.contains(pre)) {
            return new PreTokenizer(List.of(regex("[\\xD10-9]"), gpt2), false, !KEEPS_SPACES.contains(pre));
        }
        throw new ModelLoadException("model file " + source + ": pre-tokenizer '" + pre + "' (tokenizer.ggml.pre) is not "
                + "supported; supported: default, " + String.join(", ", new java.util.TreeSet<>(GPT2)) + ", "
                + String.join(", ", new java.util.TreeSet<>(LLAMA3)) + ", qwen2, "
                + String.join(", ", new java.util.TreeSet<>(DIGIT_THEN_GPT2)));
    }

    /** LLaMA 3 style vocabularies add BOS by default and skip merging words that are whole tokens. */
    boolean addsBos() { return llama3Flags; }

    boolean ignoresMerges() { return llama3Flags; }

    /** Whether decoding removes the space before punctuation, as the Hugging Face tokenizer's clean-up does. */
    boolean cleansSpaces() { return cleansSpaces; }

    /** The words of {@code cps}, as lengths in code points that add up to {@code cps.length}. */
    IntList split(int[] cps) {
        String collapsed = collapse(cps);
        IntList pieces = new IntList();
        if (cps.length > 0) pieces.add(cps.length);
        for (Stage stage : stages) pieces = stage.split(cps, collapsed, pieces);
        return pieces;
    }

    private static String collapse(int[] cps) {
        var sb = new StringBuilder(cps.length);
        for (int cp : cps) {
            if (cp < 128) {
                sb.append((char) cp);
                continue;
            }
            int flags = CodePoints.flags(cp);
            if ((flags & CodePoints.WHITESPACE) != 0) {
                sb.append(WHITESPACE);
            } else {
                sb.append(switch (flags) {
                    case CodePoints.NUMBER -> NUMBER;
                    case CodePoints.LETTER -> LETTER;
                    case CodePoints.PUNCTUATION -> PUNCTUATION;
                    case CodePoints.MARK -> MARK;
                    case CodePoints.SYMBOL -> SYMBOL;
                    default -> OTHER;
                });
            }
        }
        return sb.toString();
    }

    /** A regex stage: matches become pieces, and so do the gaps between them. */
    private static Stage regex(String collapsedRegex) {
        Pattern pattern = Pattern.compile(collapsedRegex);
        return (cps, collapsed, pieces) -> {
            IntList out = new IntList();
            Matcher m = pattern.matcher(collapsed);
            int start = 0;
            for (int i = 0; i < pieces.size(); i++) {
                int end = start + pieces.get(i);
                m.region(start, end);
                int done = start;
                while (m.find()) {
                    if (m.start() > done) out.add(m.start() - done);
                    out.add(m.end() - m.start());
                    done = m.end();
                }
                if (done < end) out.add(end - done);
                start = end;
            }
            return out;
        };
    }

    /** The GPT-2 regex {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+}. */
    private static IntList gpt2(int[] cps, String collapsed, IntList pieces) {
        IntList out = new IntList();
        int start = 0;
        for (int p = 0; p < pieces.size(); p++) {
            Scan s = new Scan(cps, start, start + pieces.get(p), out);
            while (s.pos < s.end) {
                int cp = s.cp(s.pos);
                if (s.contraction(false)) continue;
                int from = cp == ' ' ? s.pos + 1 : s.pos;
                int f = s.flags(from);
                if ((f & CodePoints.LETTER) != 0) {
                    s.emitRun(from, CodePoints.LETTER);
                } else if ((f & CodePoints.NUMBER) != 0) {
                    s.emitRun(from, CodePoints.NUMBER);
                } else if (s.isOther(from)) {
                    int q = from;
                    while (s.isOther(q)) q++;
                    s.emit(q);
                } else {
                    s.whitespace(false);
                }
            }
            start = s.end;
        }
        return out;
    }

    /**
     * The LLaMA 3 regex {@code (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
     * ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+}; Qwen 2 is the same with single digits.
     */
    private static IntList llama3(int[] cps, IntList pieces, int maxDigits) {
        IntList out = new IntList();
        int start = 0;
        for (int p = 0; p < pieces.size(); p++) {
            Scan s = new Scan(cps, start, start + pieces.get(p), out);
            while (s.pos < s.end) {
                int cp = s.cp(s.pos);
                int f = s.flags(s.pos);
                if (s.contraction(true)) continue;
                boolean lineBreak = cp == '\r' || cp == '\n';
                if (!lineBreak && (f & CodePoints.NUMBER) == 0
                        && ((f & CodePoints.LETTER) != 0 || (s.flags(s.pos + 1) & CodePoints.LETTER) != 0)) {
                    int q = s.pos + 1;
                    while ((s.flags(q) & CodePoints.LETTER) != 0) q++;
                    s.emit(q);
                    continue;
                }
                if ((f & CodePoints.NUMBER) != 0) {
                    int q = s.pos;
                    while ((s.flags(q) & CodePoints.NUMBER) != 0) {
                        q++;
                        if (q - s.pos >= maxDigits) s.emit(q);
                    }
                    s.emit(q);
                    continue;
                }
                int from = cp == ' ' ? s.pos + 1 : s.pos;
                if (!s.isLetterNumberOrSpace(s.flags(from)) && f != 0) {
                    int q = from;
                    while (s.isOther(q)) q++;
                    while (s.cp(q) == '\r' || s.cp(q) == '\n') q++;
                    s.emit(q);
                    continue;
                }
                s.whitespace(true);
            }
            start = s.end;
        }
        return out;
    }

    /** A scan over one piece {@code [pos, end)} of the code points, emitting word lengths into {@code out}. */
    private static final class Scan {
        private static final int OUTSIDE = -1;
        final int[] cps;
        final int end;
        final IntList out;
        int pos;

        Scan(int[] cps, int start, int end, IntList out) {
            this.cps = cps;
            this.pos = start;
            this.end = end;
            this.out = out;
        }

        int cp(int i) { return i < end ? cps[i] : OUTSIDE; }

        int flags(int i) { return i < end ? CodePoints.flags(cps[i]) : 0; }

        boolean isLetterNumberOrSpace(int f) {
            return (f & (CodePoints.WHITESPACE | CodePoints.LETTER | CodePoints.NUMBER)) != 0;
        }

        /** A character of {@code [^\s\p{L}\p{N}]} inside the piece. */
        boolean isOther(int i) {
            int f = flags(i);
            return f != 0 && !isLetterNumberOrSpace(f);
        }

        void emit(int to) {
            if (to > pos) out.add(to - pos);
            pos = to;
        }

        void emitRun(int from, int flag) {
            int q = from;
            while ((flags(q) & flag) != 0) q++;
            emit(q);
        }

        /** {@code 's|'t|'re|'ve|'m|'ll|'d}, optionally case-insensitive; emits and returns true on a match. */
        boolean contraction(boolean ignoreCase) {
            if (cp(pos) != '\'' || pos + 1 >= end) return false;
            int a = ignoreCase ? Character.toLowerCase(cp(pos + 1)) : cp(pos + 1);
            if (a == 's' || a == 't' || a == 'm' || a == 'd') {
                emit(pos + 2);
                return true;
            }
            if (pos + 2 >= end) return false;
            int b = ignoreCase ? Character.toLowerCase(cp(pos + 2)) : cp(pos + 2);
            if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) {
                emit(pos + 3);
                return true;
            }
            return false;
        }

        /**
         * {@code \s*[\r\n]+} (LLaMA 3 only), then {@code \s+(?!\S)}: a run of whitespace leaves its last character
         * to the word after it; then {@code \s+}; anything else is a word of one character.
         */
        void whitespace(boolean lineBreaks) {
            int n = 0;
            int afterLastBreak = 0;
            while ((flags(pos + n) & CodePoints.WHITESPACE) != 0) {
                int c = cp(pos + n);
                if (c == '\r' || c == '\n') afterLastBreak = pos + n + 1;
                n++;
            }
            if (lineBreaks && afterLastBreak > 0) {
                emit(afterLastBreak);
            } else if (n > 1 && cp(pos + n) != OUTSIDE) {
                emit(pos + n - 1);
            } else if (n > 0) {
                emit(pos + n);
            } else {
                emit(pos + 1);
            }
        }
    }
}
