package dev.pocketllama.bot.stream;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageSplitterTest {

    /** Every part fits, and no part ends inside a code block it opened (an even number of fences each). */
    private static void assertValid(List<String> parts, int max) {
        for (String part : parts) {
            assertTrue(part.length() <= max, "part longer than " + max + ": " + part.length());
            long fences = part.lines().filter(l -> l.strip().startsWith("```")).count();
            assertEquals(0, fences % 2, "unbalanced code block in part:\n" + part);
        }
    }

    @Test
    void shortTextIsOneMessage() {
        assertEquals(List.of("hello"), MessageSplitter.split("hello", 100));
    }

    @Test
    void splitsAtTheLastLineOrWordBreakAndLosesNoWords() {
        String text = "one two three four five six seven eight nine ten eleven twelve";
        List<String> parts = MessageSplitter.split(text, 20);
        assertValid(parts, 20);
        assertEquals(text, String.join(" ", parts));
        assertEquals("one two three four", parts.getFirst());
    }

    @Test
    void prefersParagraphBreaks() {
        String text = "a".repeat(60) + "\n\n" + "b".repeat(30) + " " + "c".repeat(20);
        assertEquals(List.of("a".repeat(60), "b".repeat(30) + " " + "c".repeat(20)), MessageSplitter.split(text, 100));
    }

    @Test
    void textWithoutBreaksIsCutHardWithoutSplittingASurrogatePair() {
        String text = "x".repeat(39) + "😀" + "y".repeat(10);
        List<String> parts = MessageSplitter.split(text, 40);
        assertEquals("x".repeat(39), parts.getFirst());
        assertEquals(text, String.join("", parts));
    }

    @Test
    void splitsBeforeACodeBlockThatWouldNotFit() {
        String text = "Here is the program you asked for, with comments.\n```java\nint x = 1;\nint y = 2;\n```\nDone.";
        List<String> parts = MessageSplitter.split(text, 64);
        assertValid(parts, 64);
        assertEquals("Here is the program you asked for, with comments.", parts.getFirst());
        assertTrue(parts.get(1).startsWith("```java\n"), parts.get(1));
    }

    @Test
    void longCodeBlockIsClosedAndReopenedWithItsLanguage() {
        var code = new StringBuilder("```python\n");
        for (int i = 0; i < 40; i++) code.append("print(").append(i).append(")\n");
        String text = code.append("```\nThat prints forty lines.").toString();
        List<String> parts = MessageSplitter.split(text, 100);
        assertValid(parts, 100);
        assertTrue(parts.size() > 3);
        for (String part : parts.subList(1, parts.size() - 1)) assertTrue(part.startsWith("```python\n"), part);
        String rejoined = String.join("\n", parts).replace("\n```\n```python\n", "\n");
        assertEquals(text, rejoined);
    }

    @Test
    void aGrowingTextKeepsTheParts() {
        var text = new StringBuilder();
        List<String> before = List.of();
        for (int i = 0; i < 300; i++) {
            text.append(i % 17 == 0 ? "\n```c\nx();\n" : "word" + i + " ");
            List<String> now = MessageSplitter.split(text.toString(), 80);
            assertValid(now.subList(0, now.size() - 1), 80);
            for (int p = 0; p < before.size() - 1; p++) assertEquals(before.get(p), now.get(p), "part " + p + " changed");
            before = now;
        }
    }
}
