package dev.pocketllama.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TelegramHtmlTest {

    @Test
    void rendersTheMarkdownAModelWrites() {
        assertEquals("<b>bold</b>, <i>italic</i>, <i>also</i>, <s>gone</s> and <code>x &lt; y</code>",
                TelegramHtml.render("**bold**, *italic*, _also_, ~~gone~~ and `x < y`"));
        assertEquals("see <a href=\"https://example.com/a?b=1&amp;c=2\">the <b>docs</b></a>",
                TelegramHtml.render("see [the **docs**](https://example.com/a?b=1&c=2)"));
        assertEquals("<b>Title</b>\n• one\n  • two", TelegramHtml.render("## Title\n- one\n  * two"));
        assertEquals("<blockquote>quoted &amp; kept\nsecond</blockquote>\nafter",
                TelegramHtml.render("> quoted & kept\n> second\nafter"));
    }

    @Test
    void rendersCodeBlocksWithTheirLanguageAndNothingInsideThemAsMarkup() {
        String markdown = "Try:\n```java\nif (a < b && *p) { s = \"**\"; }\n```\ndone";
        assertEquals("Try:\n<pre><code class=\"language-java\">if (a &lt; b &amp;&amp; *p) { s = \"**\"; }</code></pre>\ndone",
                TelegramHtml.render(markdown));
        assertEquals("<pre>plain</pre>", TelegramHtml.render("```\nplain\n```"));
    }

    @Test
    void aCodeBlockStillStreamingIsClosed() {
        assertEquals("<pre><code class=\"language-py\">print(1)\nx = 2 &lt; 3</code></pre>",
                TelegramHtml.render("```py\nprint(1)\nx = 2 < 3"));
    }

    @Test
    void unbalancedMarkersStayLiteral() {
        assertEquals("2 * 3 = 6 and *unclosed", TelegramHtml.render("2 * 3 = 6 and *unclosed"));
        assertEquals("a `tick and **half", TelegramHtml.render("a `tick and **half"));
        assertEquals("snake_case_name stays", TelegramHtml.render("snake_case_name stays"));
        assertEquals("[not a link](javascript:alert(1))", TelegramHtml.render("[not a link](javascript:alert(1))"));
        assertEquals("literal *star*", TelegramHtml.render("literal \\*star\\*"));
    }

    @Test
    void escapesEverythingTelegramWouldReadAsMarkup() {
        assertEquals("&lt;b&gt;not bold&lt;/b&gt; &amp;amp; &lt;script&gt;",
                TelegramHtml.render("<b>not bold</b> &amp; <script>"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "**a *b** c*", "***x***", "*a **b** c*", "__init__ and _x_", "`a` `` b ` `` *`*`*", "~~a ~b~~ c~",
            "[a](https://x.y) [b](https://z) [c](", "**[x](https://a.b)**", "1 < 2 & 3 > 2 *", "```", "``` \n*",
            "> *q\n> q*", "# *h", "- *a\n- b*", "\\", "*\n*", "_a_b_", "**", "****", "a**b**c", "[**](https://a)",
            "```js\nx\n```\n```\ny", "*`*`", "~~", "[x](https://a.b \"t\")"})
    void alwaysProducesHtmlTelegramAccepts(String markdown) {
        String html = TelegramHtml.render(markdown);
        String visible = TelegramHtmlChecker.visibleText(html);
        assertTrue(visible.length() <= markdown.length(), () -> "visible text grew: " + html);
    }

    @Test
    void everyPrefixOfAStreamedReplyIsValid() {
        String reply = "# Plan\nUse **bold**, *it*, `code` & [links](https://example.com).\n```java\nint x = 1 << 2;\n```\n- done";
        for (int end = 0; end <= reply.length(); end++) {
            String html = TelegramHtml.render(reply.substring(0, end));
            TelegramHtmlChecker.visibleText(html);
        }
    }
}
