package dev.pocketllama.inference.tokenizer;

import java.util.PriorityQueue;

/**
 * GPT-2 byte-level BPE over one fragment of text, as llama.cpp does it: the pre-tokenizer splits the text into words,
 * each word's bytes are mapped to GPT-2's stand-in characters, and within a word the adjacent pair with the lowest
 * merge rank is merged (leftmost on ties) until no ranked pair is left.
 */
final class BpeEncoder {
    private final Vocabulary vocab;

    private record Bigram(int left, int right, String joined, int rank) implements Comparable<Bigram> {
        @Override
        public int compareTo(Bigram o) {
            int byRank = Integer.compare(rank, o.rank);
            return byRank != 0 ? byRank : Integer.compare(left, o.left);
        }
    }

    BpeEncoder(Vocabulary vocab) {
        this.vocab = vocab;
    }

    /** Appends the tokens of {@code text} (a byte string) to {@code out}. */
    void encode(String text, IntList out) {
        int[] cps = CodePoints.decode(text);
        IntList words = vocab.preTokenizer.split(cps);
        int from = 0;
        for (int w = 0; w < words.size(); w++) {
            int to = from + words.get(w);
            String word = ByteString.ofUtf8(ByteUnicode.encode(CodePoints.utf8(cps, from, to)));
            encodeWord(word, out);
            from = to;
        }
    }

    private void encodeWord(String word, IntList out) {
        if (vocab.ignoreMerges) {
            int whole = vocab.id(word);
            if (whole != Vocabulary.NONE) {
                out.add(whole);
                return;
            }
        }
        int n = word.length();
        int[] start = new int[n];
        int[] length = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        int count = 0;
        for (int offset = 0; offset < n; count++) {
            int len = Math.min(ByteString.utf8Length(word.charAt(offset)), n - offset);
            start[count] = offset;
            length[count] = len;
            offset += len;
            prev[count] = count - 1;
            next[count] = offset == n ? -1 : count + 1;
        }
        var queue = new PriorityQueue<Bigram>();
        for (int i = 1; i < count; i++) addBigram(word, start, length, i - 1, i, queue);
        while (!queue.isEmpty()) {
            Bigram b = queue.poll();
            int left = b.left;
            int right = b.right;
            if (length[left] == 0 || length[right] == 0) continue;
            if (!word.startsWith(b.joined, start[left]) || length[left] + length[right] != b.joined.length()) continue;
            length[left] += length[right];
            length[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) prev[next[right]] = left;
            addBigram(word, start, length, prev[left], left, queue);
            addBigram(word, start, length, left, next[left], queue);
        }
        for (int i = 0; i < count; i++) {
            if (length[i] == 0) continue;
            String piece = word.substring(start[i], start[i] + length[i]);
            int id = vocab.id(piece);
            if (id != Vocabulary.NONE) {
                out.add(id);
                continue;
            }
            for (int k = 0; k < piece.length(); k++) {
                int byteId = vocab.id(String.valueOf(piece.charAt(k)));
                if (byteId != Vocabulary.NONE) out.add(byteId);
            }
        }
    }

    private void addBigram(String word, int[] start, int[] length, int left, int right, PriorityQueue<Bigram> queue) {
        if (left == -1 || right == -1) return;
        String l = word.substring(start[left], start[left] + length[left]);
        String r = word.substring(start[right], start[right] + length[right]);
        int rank = vocab.mergeRank(l, r);
        if (rank >= 0) queue.add(new Bigram(left, right, l + r, rank));
    }
}
