package dev.pocketllama.discord;

import dev.pocketllama.bot.Author;
import dev.pocketllama.bot.Bot;
import dev.pocketllama.bot.ChatKind;
import dev.pocketllama.bot.InboundMessage;
import dev.pocketllama.bot.Platform;
import dev.pocketllama.bot.PlatformLimits;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.MessageReference;
import net.dv8tion.jda.api.entities.MessageType;
import net.dv8tion.jda.api.events.interaction.command.CommandAutoCompleteInteractionEvent;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.events.message.MessageDeleteEvent;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.interactions.commands.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Optional;

/**
 * Decides which Discord events are for the bot and hands them to bot-core: DMs, mentions of the bot, replies to
 * its messages, every message in a thread started from one of its replies, slash commands, Stop buttons,
 * autocomplete of model names, deletions. Everything else is ignored.
 */
final class DiscordEvents extends ListenerAdapter {
    private static final Logger log = LoggerFactory.getLogger(DiscordEvents.class);
    /** Discord shows at most this many autocomplete choices. */
    private static final int MAX_CHOICES = 25;

    private final Bot bot;
    private final DiscordAccess access;
    private final PlatformLimits limits;

    DiscordEvents(Bot bot, DiscordAccess access, PlatformLimits limits) {
        this.bot = bot;
        this.access = access;
        this.limits = limits;
    }

    @Override
    public void onMessageReceived(MessageReceivedEvent event) {
        Message message = event.getMessage();
        if (event.getAuthor().isBot() || event.isWebhookMessage()
                || (message.getType() != MessageType.DEFAULT && message.getType() != MessageType.INLINE_REPLY)) {
            return;
        }
        Place place = Place.of(event.getChannel());
        Author author = access.author(event.getAuthor(), event.getMember());
        Routing routing = route(message, place);
        if (!routing.forBot() || !access.serves(event.isFromGuild() ? event.getGuild() : null, place, author)) return;
        String text = MentionText.render(message.getContentRaw(), event.getJDA().getSelfUser().getId(), message.getMentions());
        // without the Message Content intent, messages that neither mention nor answer the bot arrive empty
        if (text.isEmpty()) return;
        bot.onMessage(new InboundMessage(Platform.DISCORD, place.chatId(), place.kind(), place.threadId(), author,
                        message.getId(), text, routing.continues()),
                new ChannelReplyPort(event.getChannel(), message.getId(), limits));
    }

    /**
     * Whether a message is for the bot, and the message it continues (null for none): the message it replies to,
     * or in a thread started from a bot reply, that reply.
     */
    private record Routing(boolean forBot, String continues) {
        static final Routing IGNORED = new Routing(false, null);
    }

    private Routing route(Message message, Place place) {
        MessageReference reference = message.getMessageReference();
        String referenced = reference == null ? null : reference.getMessageId();
        boolean repliesToBot = referenced != null && (isSelf(message.getReferencedMessage(), message)
                || bot.isBotMessage(Platform.DISCORD, place.chatId(), referenced));
        if (repliesToBot) return new Routing(true, referenced);
        if (place.threadId() != null && bot.isBotMessage(Platform.DISCORD, place.chatId(), place.threadId())) {
            return new Routing(true, place.threadId());
        }
        boolean mentioned = message.getMentions().isMentioned(message.getJDA().getSelfUser(), Message.MentionType.USER);
        return place.kind() == ChatKind.PRIVATE || mentioned ? new Routing(true, referenced) : Routing.IGNORED;
    }

    private static boolean isSelf(Message referenced, Message message) {
        return referenced != null && referenced.getAuthor().getIdLong() == message.getJDA().getSelfUser().getIdLong();
    }

    @Override
    public void onSlashCommandInteraction(SlashCommandInteractionEvent event) {
        Place place = Place.of(event.getChannel());
        Author author = access.author(event.getUser(), event.getMember());
        if (!access.serves(event.getGuild(), place, author)) {
            event.reply("This bot does not answer in this channel.").setEphemeral(true).queue();
            return;
        }
        if (event.getName().equals(SlashCommands.MODEL) && !bot.isAdmin(Platform.DISCORD, author)) {
            event.reply("Only admins can switch models.").setEphemeral(true).queue();
            return;
        }
        // Discord wants an answer within 3 seconds; the deferred reply is filled in as the answer streams
        event.deferReply().queue(null, failure -> log.warn("could not acknowledge /{}: {}", event.getName(), failure.toString()));
        var replies = new InteractionReplyPort(event.getHook(), new ChannelReplyPort(event.getMessageChannel(), null, limits));
        try {
            bot.onMessage(new InboundMessage(Platform.DISCORD, place.chatId(), place.kind(), place.threadId(), author,
                    event.getId(), SlashCommands.text(event), null), replies);
        } catch (RuntimeException e) {
            log.error("bot-core failed on /{}", event.getName(), e);
            event.getHook().editOriginal("⚠️ Something went wrong on my side; please try again.").queue();
        }
    }

    @Override
    public void onCommandAutoCompleteInteraction(CommandAutoCompleteInteractionEvent event) {
        if (!event.getName().equals(SlashCommands.MODEL)) return;
        String typed = event.getFocusedOption().getValue().toLowerCase(Locale.ROOT);
        event.replyChoices(bot.modelNames().stream()
                .filter(name -> name.toLowerCase(Locale.ROOT).contains(typed))
                .limit(MAX_CHOICES)
                .map(name -> new Command.Choice(name, name))
                .toList()).queue();
    }

    @Override
    public void onButtonInteraction(ButtonInteractionEvent event) {
        Optional<String> stopId = DiscordMessages.stopId(event.getComponentId());
        if (stopId.isEmpty()) return;
        Author presser = access.author(event.getUser(), event.getMember());
        switch (bot.onStop(Platform.DISCORD, stopId.get(), presser)) {
            case STOPPED, ALREADY_FINISHED -> event.editComponents().queue(); // the button goes at once
            case NOT_ALLOWED -> event.reply("Only the person who asked, or an admin, can stop this reply.")
                    .setEphemeral(true).queue();
        }
    }

    @Override
    public void onMessageDelete(MessageDeleteEvent event) {
        bot.onMessageDeleted(Platform.DISCORD, Place.of(event.getChannel()).chatId(), event.getMessageId());
    }
}
