package dev.pocketllama.inference.tokenizer;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * SentencePiece-style BPE over one fragment of text, as llama.cpp does it: start from UTF-8 characters, repeatedly
 * merge the adjacent pair whose joined text is the highest-scoring token (leftmost on ties), then emit each piece as
 * its token, re-splitting pieces that are not tokens along the merges that made them, down to byte tokens.
 */
final class SpmEncoder {
    private final Vocabulary vocab;
    private final String text;
    // The symbol chain: symbol i covers text[start[i], start[i] + length[i]); merged-away symbols have length 0.
    private final int[] start;
    private final int[] length;
    private final int[] prev;
    private final int[] next;
    private final PriorityQueue<Bigram> queue = new PriorityQueue<>();
    /** For every joined text seen as a candidate: the two symbols that formed it (the latest pair wins). */
    private final Map<String, int[]> madeFrom = new HashMap<>();

    private record Bigram(int left, int right, float score, int size) implements Comparable<Bigram> {
        @Override
        public int compareTo(Bigram o) {
            int byScore = Float.compare(o.score, score);
            return byScore != 0 ? byScore : Integer.compare(left, o.left);
        }
    }

    private SpmEncoder(Vocabulary vocab, String text) {
        this.vocab = vocab;
        this.text = text;
        int n = text.length();
        start = new int[n];
        length = new int[n];
        prev = new int[n];
        next = new int[n];
    }

    /** Appends the tokens of {@code text} (a byte string, spaces already escaped as U+2581) to {@code out}. */
    static void encode(Vocabulary vocab, String text, IntList out) {
        new SpmEncoder(vocab, text).run(out);
    }

    private void run(IntList out) {
        int count = 0;
        for (int offset = 0; offset < text.length(); count++) {
            int len = Math.min(ByteString.utf8Length(text.charAt(offset)), text.length() - offset);
            start[count] = offset;
            length[count] = len;
            offset += len;
            prev[count] = count - 1;
            next[count] = offset == text.length() ? -1 : count + 1;
        }
        for (int i = 1; i < count; i++) tryAddBigram(i - 1, i);
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            int left = b.left;
            int right = b.right;
            if (length[left] == 0 || length[right] == 0 || length[left] + length[right] != b.size) continue;
            length[left] += length[right];
            length[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) prev[next[right]] = left;
            tryAddBigram(prev[left], left);
            tryAddBigram(left, next[left]);
        }
        if (count == 0) return;
        for (int i = 0; i != -1; i = next[i]) resegment(i, out);
    }

    private String symbolText(int i) { return text.substring(start[i], start[i] + length[i]); }

    private void tryAddBigram(int left, int right) {
        if (left == -1 || right == -1) return;
        String joined = text.substring(start[left], start[left] + length[left] + length[right]);
        int id = vocab.id(joined);
        if (id == Vocabulary.NONE) return;
        queue.add(new Bigram(left, right, vocab.score(id), joined.length()));
        madeFrom.put(joined, new int[] {left, right});
    }

    private void resegment(int symbol, IntList out) {
        String piece = symbolText(symbol);
        int id = vocab.id(piece);
        if (id != Vocabulary.NONE) {
            out.add(id);
            return;
        }
        int[] parts = madeFrom.get(piece);
        if (parts == null) {
            for (int k = 0; k < piece.length(); k++) out.add(vocab.byteToken(piece.charAt(k)));
            return;
        }
        resegment(parts[0], out);
        resegment(parts[1], out);
    }
}
