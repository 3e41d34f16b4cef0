package dev.pocketllama.discord;

import dev.pocketllama.bot.ChatKind;
import net.dv8tion.jda.api.entities.channel.Channel;
import net.dv8tion.jda.api.entities.channel.ChannelType;
import net.dv8tion.jda.api.entities.channel.concrete.ThreadChannel;

/**
 * Where a Discord message was posted, in bot-core's terms: a thread counts as its parent channel plus the thread,
 * so that the bot's reply a thread was started from (stored under the parent channel) is found from inside it.
 */
record Place(String chatId, String threadId, ChatKind kind) {

    static Place of(Channel channel) {
        if (channel instanceof ThreadChannel thread) {
            return new Place(thread.getParentChannel().getId(), thread.getId(), ChatKind.GROUP);
        }
        return new Place(channel.getId(), null, channel.getType() == ChannelType.PRIVATE ? ChatKind.PRIVATE : ChatKind.GROUP);
    }
}
