package dev.pocketllama.config;

/**
 * The Discord bot.
 *
 * @param enabled              whether {@code run} starts it
 * @param token                the bot token, normally {@code ${DISCORD_TOKEN}}
 * @param restUrl              REST base URL (proxies, tests); null for Discord's
 * @param gatewayUrl           gateway URL (proxies, tests); null for Discord's
 * @param messageContentIntent whether the privileged Message Content intent is enabled for the bot
 */
public record DiscordConfig(boolean enabled, String token, String restUrl, String gatewayUrl,
                            boolean messageContentIntent) {
    @Override
    public String toString() {
        return "DiscordConfig[enabled=" + enabled + ", token=" + (token == null ? "none" : "***")
                + ", restUrl=" + restUrl + ", gatewayUrl=" + gatewayUrl
                + ", messageContentIntent=" + messageContentIntent + "]";
    }
}
