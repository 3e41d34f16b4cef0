package dev.pocketllama.discord;

import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.Mentions;
import net.dv8tion.jda.api.entities.Role;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the model reads of a Discord message: the bot's own mention removed, other users', roles' and channels'
 * mentions replaced by the names they stand for, so the model sees "@Ann" instead of {@code <@80351110224678912>}.
 */
final class MentionText {
    private static final Pattern MENTION = Pattern.compile("<(@!?|@&|#)(\\d+)>");

    private MentionText() { }

    static String render(String raw, String selfId, Mentions mentions) {
        Matcher matcher = MENTION.matcher(raw);
        StringBuilder text = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(text, Matcher.quoteReplacement(name(matcher.group(1), matcher.group(2), selfId, mentions, matcher.group())));
        }
        matcher.appendTail(text);
        return text.toString().replaceAll("[ \\t]{2,}", " ").strip();
    }

    private static String name(String kind, String id, String selfId, Mentions mentions, String unknown) {
        return switch (kind) {
            case "@&" -> mentions.getRoles().stream().filter(r -> r.getId().equals(id)).findFirst()
                    .map(Role::getName).map(name -> "@" + name).orElse(unknown);
            case "#" -> mentions.getChannels().stream().filter(c -> c.getId().equals(id)).findFirst()
                    .map(GuildChannel::getName).map(name -> "#" + name).orElse(unknown);
            default -> id.equals(selfId) ? "" : userName(id, mentions, unknown);
        };
    }

    private static String userName(String id, Mentions mentions, String unknown) {
        for (Member member : mentions.getMembers()) {
            if (member.getId().equals(id)) return "@" + member.getEffectiveName();
        }
        for (User user : mentions.getUsers()) {
            if (user.getId().equals(id)) return "@" + user.getEffectiveName();
        }
        return unknown;
    }
}
