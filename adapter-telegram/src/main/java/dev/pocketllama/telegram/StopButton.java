package dev.pocketllama.telegram;

import java.util.Optional;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardRow;

/** The inline "Stop" button under a reply being generated: its callback data carries bot-core's stop id. */
final class StopButton {

    private static final String DATA_PREFIX = "stop:";

    private StopButton() { }

    /** The keyboard for a message with this stop id, or null (no keyboard, which removes it on an edit). */
    static InlineKeyboardMarkup keyboard(String stopId) {
        if (stopId == null) return null;
        InlineKeyboardButton stop = InlineKeyboardButton.builder().text("⏹ Stop").callbackData(DATA_PREFIX + stopId).build();
        return InlineKeyboardMarkup.builder().keyboardRow(new InlineKeyboardRow(stop)).build();
    }

    /** The stop id a pressed button carries, if it is a Stop button. */
    static Optional<String> stopId(String callbackData) {
        return callbackData != null && callbackData.startsWith(DATA_PREFIX)
                ? Optional.of(callbackData.substring(DATA_PREFIX.length())) : Optional.empty();
    }
}
