package dev.pocketllama.app;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import dev.pocketllama.bot.archfixture.ImportsInferenceInternal;
import dev.pocketllama.bot.archfixture.ImportsJda;
import dev.pocketllama.config.archfixture.ImportsBot;
import dev.pocketllama.inference.archfixture.Internal;
import dev.pocketllama.telegram.archfixture.ImportsEngine;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the module directions of DESIGN.md true on the compiled main classes of every module, and proves each
 * rule bites on deliberately bad classes kept in this module's test sources.
 */
class ArchitectureTest {
    private static final String OURS = "dev.pocketllama..";
    private static final String CONFIG = "dev.pocketllama.config..";
    private static final String INFERENCE = "dev.pocketllama.inference..";
    private static final String INFERENCE_API = "dev.pocketllama.inference.api..";
    private static final String BOT = "dev.pocketllama.bot..";
    private static final String TELEGRAM = "dev.pocketllama.telegram..";
    private static final String DISCORD = "dev.pocketllama.discord..";
    private static final String APP = "dev.pocketllama.app..";

    static final ArchRule CONFIG_IMPORTS_NOTHING_OF_OURS = noClasses().that().resideInAPackage(CONFIG)
            .should().dependOnClassesThat(ours().and(not(resideInAPackage(CONFIG))));

    static final ArchRule INFERENCE_KNOWS_NO_CHAT = noClasses().that().resideInAPackage(INFERENCE)
            .should().dependOnClassesThat().resideInAnyPackage(CONFIG, BOT, TELEGRAM, DISCORD, APP);

    static final ArchRule BOT_USES_ONLY_THE_ENGINE_API = noClasses().that().resideInAPackage(BOT)
            .should().dependOnClassesThat(resideInAPackage(INFERENCE).and(not(resideInAPackage(INFERENCE_API)))
                    .or(resideInAnyPackage(TELEGRAM, DISCORD, APP, "net.dv8tion..", "org.telegram..")));

    static final ArchRule TELEGRAM_STAYS_APART = noClasses().that().resideInAPackage(TELEGRAM)
            .should().dependOnClassesThat().resideInAnyPackage(INFERENCE, DISCORD, APP, "net.dv8tion..")
            .allowEmptyShould(true);

    static final ArchRule DISCORD_STAYS_APART = noClasses().that().resideInAPackage(DISCORD)
            .should().dependOnClassesThat().resideInAnyPackage(INFERENCE, TELEGRAM, APP, "org.telegram..")
            .allowEmptyShould(true);

    static final List<ArchRule> RULES = List.of(CONFIG_IMPORTS_NOTHING_OF_OURS, INFERENCE_KNOWS_NO_CHAT,
            BOT_USES_ONLY_THE_ENGINE_API, TELEGRAM_STAYS_APART, DISCORD_STAYS_APART);

    private static DescribedPredicate<JavaClass> ours() { return resideInAPackage(OURS); }

    /** The compiled main classes of every module (tests run in the project root); test classes may cross lines. */
    private static JavaClasses mainClasses() {
        List<Path> modules = Stream.of("config", "inference", "bot-core", "adapter-telegram", "adapter-discord", "app")
                .map(module -> Path.of(module, "target", "classes")).filter(Files::isDirectory).toList();
        return new ClassFileImporter().importPaths(modules);
    }

    @Test
    void theModulesKeepTheirDirections() {
        JavaClasses classes = mainClasses();
        assertTrue(classes.contain("dev.pocketllama.bot.Bot") && classes.contain("dev.pocketllama.config.ConfigLoader")
                && classes.contain("dev.pocketllama.inference.api.Engine") && classes.contain("dev.pocketllama.app.Main"),
                "the rules see every module's classes");
        RULES.forEach(rule -> rule.check(classes));
    }

    @Test
    void theRulesCatchViolations() {
        assertViolates(BOT_USES_ONLY_THE_ENGINE_API, ImportsJda.class);
        assertViolates(BOT_USES_ONLY_THE_ENGINE_API, ImportsInferenceInternal.class);
        assertViolates(CONFIG_IMPORTS_NOTHING_OF_OURS, ImportsBot.class);
        assertViolates(INFERENCE_KNOWS_NO_CHAT, Internal.class);
        assertViolates(TELEGRAM_STAYS_APART, ImportsEngine.class);
    }

    private static void assertViolates(ArchRule rule, Class<?> bad) {
        var result = rule.evaluate(new ClassFileImporter().importClasses(bad));
        assertTrue(result.hasViolation(), "'" + rule.getDescription() + "' lets " + bad.getSimpleName() + " through");
    }
}
