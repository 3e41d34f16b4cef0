package dev.pocketllama.bot.command;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CommandParserTest {

    @Test
    void commandsWithAndWithoutArguments() {
        assertEquals(Optional.of(new Command.Help()), CommandParser.parse("/help"));
        assertEquals(Optional.of(new Command.Help()), CommandParser.parse("/start"));
        assertEquals(Optional.of(new Command.Reset()), CommandParser.parse("  /RESET  "));
        assertEquals(Optional.of(new Command.Model(null)), CommandParser.parse("/model"));
        assertEquals(Optional.of(new Command.Model("tiny-q4")), CommandParser.parse("/model   tiny-q4 "));
        assertEquals(Optional.of(new Command.Models()), CommandParser.parse("/models"));
        assertEquals(Optional.of(new Command.Status()), CommandParser.parse("/status"));
        assertEquals(Optional.of(new Command.Stop()), CommandParser.parse("/stop"));
        assertEquals(Optional.of(new Command.SystemPrompt("Be brief.\nAlways.")), CommandParser.parse("/system Be brief.\nAlways."));
        assertEquals(Optional.of(new Command.Unknown("dance")), CommandParser.parse("/dance now"));
    }

    @Test
    void aBotNameAfterTheCommandIsIgnored() {
        assertEquals(Optional.of(new Command.Model("q8")), CommandParser.parse("/model@pocket_llama_bot q8"));
    }

    @Test
    void chatTextIsNotACommand() {
        assertEquals(Optional.empty(), CommandParser.parse("hello /help"));
        assertEquals(Optional.empty(), CommandParser.parse("/"));
        assertEquals(Optional.empty(), CommandParser.parse("/ 2 = half"));
        assertEquals(Optional.empty(), CommandParser.parse("/usr/bin is a path"));
    }
}
