package dev.pocketllama.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    static final String MODEL = "../shared/models/stories260K.gguf";
    static final String MINIMAL = "models:\n  - name: stories\n    path: " + MODEL + "\n    template: raw\n";

    private static List<String> problems(String yaml) {
        return problems(yaml, Map.of());
    }

    private static List<String> problems(String yaml, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.fromYaml(yaml, env)).problems();
    }

    @Test
    void minimalFileGetsEveryDefault() {
        PocketLlamaConfig c = ConfigLoader.fromYaml(MINIMAL, Map.of());
        assertEquals("stories", c.defaultModel());
        assertEquals(ConfigDefaults.SAMPLING, c.sampling());
        assertEquals(ConfigDefaults.CONFIG.limits(), c.limits());
        assertEquals("replyChain", c.conversations().groupScope());
        assertFalse(c.telegram().enabled());
        assertEquals("pocketllama.db", c.store().path());
        assertNull(c.models().getFirst().sampling());
        assertEquals(0, c.models().getFirst().contextLength());
    }

    @Test
    void partialSectionsKeepTheOtherDefaults() {
        PocketLlamaConfig c = ConfigLoader.fromYaml(MINIMAL + "sampling:\n  temperature: 0\nlimits:\n  maxMessageChars: 99\n", Map.of());
        assertEquals(0.0, c.sampling().temperature());
        assertEquals(40, c.sampling().topK());
        assertEquals(99, c.limits().maxMessageChars());
        assertEquals(ConfigDefaults.CONFIG.limits().maxQueuedPerUser(), c.limits().maxQueuedPerUser());
    }

    @Test
    void perModelSamplingOverridesOnlyWhatItSets() {
        PocketLlamaConfig c = ConfigLoader.fromYaml(MINIMAL + "    sampling:\n      temperature: 0.2\n", Map.of());
        SamplingConfig override = c.models().getFirst().sampling();
        assertEquals(0.2, override.temperature());
        assertNull(override.topK());
    }

    @Test
    void environmentReferencesAreSubstituted() {
        String yaml = MINIMAL + "telegram:\n  enabled: ${TG_ON}\n  token: ${TELEGRAM_TOKEN}\n"
                + "  apiUrl: http://127.0.0.1:${TG_PORT:-8081}/\n";
        PocketLlamaConfig c = ConfigLoader.fromYaml(yaml, Map.of("TELEGRAM_TOKEN", "123:secret", "TG_ON", "true"));
        assertTrue(c.telegram().enabled());
        assertEquals("123:secret", c.telegram().token());
        assertEquals("http://127.0.0.1:8081/", c.telegram().apiUrl());
    }

    @Test
    void missingEnvironmentVariableNamesKeyAndVariable() {
        List<String> p = problems(MINIMAL + "discord:\n  enabled: true\n  token: ${DISCORD_TOKEN}\n");
        assertTrue(p.contains("discord.token: environment variable DISCORD_TOKEN is not set (export DISCORD_TOKEN=... "
                + "before starting, or write ${DISCORD_TOKEN:-default} for a fallback)"), p.toString());
    }

    @Test
    void secretsNeverAppearInToString() {
        PocketLlamaConfig c = ConfigLoader.fromYaml(MINIMAL + "telegram:\n  token: ${T}\ndiscord:\n  token: ${D}\n",
                Map.of("T", "tg-secret-value", "D", "dc-secret-value"));
        assertFalse(c.toString().contains("tg-secret-value"), c.toString());
        assertFalse(c.toString().contains("dc-secret-value"), c.toString());
    }

    @Test
    void unknownKeysSuggestTheClosestName() {
        List<String> p = problems(MINIMAL + "limts:\n  maxMessageChars: 5\nsampling:\n  temprature: 0\n");
        assertTrue(p.contains("limts: unknown key (did you mean 'limits'?)"), p.toString());
        assertTrue(p.contains("sampling.temprature: unknown key (did you mean 'temperature'?)"), p.toString());
    }

    @Test
    void unknownKeyFarFromEveryNameListsTheValidOnes() {
        List<String> p = problems(MINIMAL + "store:\n  banana: 1\n");
        assertEquals(List.of("store.banana: unknown key (valid: path)"), p);
    }

    @Test
    void unknownKeyInsideAListItemHasItsIndex() {
        List<String> p = problems(MINIMAL + "  - name: other\n    pth: x.gguf\n");
        assertTrue(p.contains("models[1].pth: unknown key (did you mean 'path'?)"), p.toString());
        assertTrue(p.contains("models[1].path: is missing (the GGUF file of this model)"), p.toString());
    }

    @Test
    void wrongTypesNameTheKeyAndTheValue() {
        List<String> p = problems(MINIMAL + "limits:\n  maxQueuedPerUser: lots\nsampling:\n  topP: high\n"
                + "telegram:\n  enabled: maybe\nadmins: [1, 2]\n");
        assertTrue(p.contains("limits.maxQueuedPerUser: expected a whole number, got 'lots'"), p.toString());
        assertTrue(p.contains("sampling.topP: expected a number, got 'high'"), p.toString());
        assertTrue(p.contains("telegram.enabled: expected true or false, got 'maybe'"), p.toString());
        assertTrue(p.contains("admins: expected a section of keys, got a list"), p.toString());
    }

    @Test
    void missingModelFileIsReportedWithItsPath() {
        List<String> p = problems(MINIMAL + "  - name: big\n    path: /x/y.gguf\n");
        assertEquals(List.of("models[1].path: file not found: /x/y.gguf (check the path; relative paths start from the "
                + "working directory)"), p);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        var e = assertThrows(ConfigException.class, () -> ConfigLoader.fromYaml("""
                models:
                  - name: a b
                    path: /nope.gguf
                    template: chatlm
                defaultModel: zzz
                sampling: {temperature: -1, topP: 0, maxTokens: 0}
                limits: {maxMessageChars: 0}
                conversations: {groupScope: chanel}
                telegram: {enabled: true}
                discord: {restUrl: "not a url"}
                admins: {telegram: [bob]}
                """, Map.of()));
        List<String> p = e.problems();
        assertEquals(12, p.size(), String.join("\n", p));
        assertTrue(p.contains("models[0].template: unknown template 'chatlm' (did you mean 'chatml'?)"), p.toString());
        assertTrue(p.contains("conversations.groupScope: unknown scope 'chanel' (did you mean 'channel'?)"), p.toString());
        assertTrue(p.contains("sampling.temperature: must be 0 (greedy) or more, was -1.0"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("telegram.token: is missing while telegram.enabled is true")), p.toString());
        assertTrue(p.contains("admins.telegram[0]: 'bob' is not a numeric id (Telegram user ids are numbers; "
                + "@userinfobot tells yours)"), p.toString());
        assertTrue(e.getMessage().startsWith("configuration has 12 problems:\n  "), e.getMessage());
    }

    @Test
    void theWeightCacheIsADirectoryAutoOrOff() {
        assertEquals("auto", ConfigLoader.fromYaml(MINIMAL, Map.of()).engine().weightCache());
        assertEquals("/var/cache/llama", ConfigLoader.fromYaml(MINIMAL + "engine: {weightCache: /var/cache/llama}\n", Map.of()).engine().weightCache());
        assertEquals(List.of("engine.weightCache: must be a directory, auto (the user's cache directory) or off"),
                problems(MINIMAL + "engine: {weightCache: \"\"}\n"));
    }

    @Test
    void defaultModelMustNameAConfiguredModel() {
        List<String> p = problems(MINIMAL + "defaultModel: storis\n");
        assertEquals(List.of("defaultModel: no model named 'storis' (did you mean 'stories'?)"), p);
    }

    @Test
    void duplicateModelNamesAreRefused() {
        List<String> p = problems(MINIMAL + "  - name: stories\n    path: " + MODEL + "\n");
        assertEquals(List.of("models[1].name: 'stories' is used by another model (names must differ)"), p);
    }

    @Test
    void invalidYamlSaysWhere() {
        List<String> p = problems("models: [\n  name: x\n");
        assertEquals(1, p.size());
        assertTrue(p.getFirst().startsWith("(file): not valid YAML at line"), p.getFirst());
    }

    @Test
    void emptyFileNeedsOnlyAModel() {
        List<String> p = problems("");
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.getFirst().startsWith("models[0].path: file not found: "), p.getFirst());
    }

    @Test
    void loadReadsAFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pocketllama.yml");
        Files.writeString(file, MINIMAL + "store: {path: " + dir.resolve("bot.db") + "}\n");
        assertEquals(dir.resolve("bot.db").toString(), ConfigLoader.load(file, Map.of()).store().path());

        var missing = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("nope.yml"), Map.of()));
        assertTrue(missing.getMessage().contains("nope.yml: file not found"), missing.getMessage());
    }

    @Test
    void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        assertEquals(0, Suggestions.distance("limits", "limits"));
        assertEquals(1, Suggestions.distance("limts", "limits"));
        assertEquals(3, Suggestions.distance("temprature", "temperatrue"));
        assertEquals(3, Suggestions.distance("kitten", "sitting"));
    }
}
