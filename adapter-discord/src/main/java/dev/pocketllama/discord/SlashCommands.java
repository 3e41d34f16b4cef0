package dev.pocketllama.discord;

import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.interactions.commands.DefaultMemberPermissions;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.SlashCommandInteraction;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;

import java.util.List;

/**
 * The slash commands the bot registers, and how a used one becomes the text bot-core understands:
 * {@code /ask prompt:hi} is the prompt "hi", {@code /model name:tiny} is "/model tiny".
 */
final class SlashCommands {
    static final String ASK = "ask";
    static final String MODEL = "model";
    static final String MODEL_NAME = "name";

    private SlashCommands() { }

    static List<SlashCommandData> definitions() {
        return List.of(
                everywhere(Commands.slash(ASK, "Ask the model something")
                        .addOption(OptionType.STRING, "prompt", "What to ask", true)),
                everywhere(Commands.slash("reset", "Start a new conversation")),
                // Discord hides it from members without Manage Server; bot-core's admin list is checked again on use
                everywhere(Commands.slash(MODEL, "Switch the model (admins)")
                        .addOption(OptionType.STRING, MODEL_NAME, "A configured model", true, true)
                        .setDefaultPermissions(DefaultMemberPermissions.enabledFor(Permission.MANAGE_SERVER))),
                everywhere(Commands.slash("models", "List the models")),
                everywhere(Commands.slash("status", "Show the model and the queue")),
                everywhere(Commands.slash("system", "Show or set the system prompt")
                        .addOption(OptionType.STRING, "text", "The new system prompt", false)),
                everywhere(Commands.slash("stop", "Stop your reply being written")));
    }

    private static SlashCommandData everywhere(SlashCommandData command) {
        return command.setContexts(InteractionContextType.GUILD, InteractionContextType.BOT_DM);
    }

    /** The text bot-core receives for a used command: the prompt for /ask, else "/name value". */
    static String text(SlashCommandInteraction command) {
        List<OptionMapping> options = command.getOptions();
        if (command.getName().equals(ASK)) return options.isEmpty() ? "" : options.getFirst().getAsString();
        StringBuilder text = new StringBuilder("/").append(command.getName());
        for (OptionMapping option : options) text.append(' ').append(option.getAsString());
        return text.toString();
    }
}
